// ieee1284_port.cpp — the libieee1284 port (ppdev, or the library's own
// io / /dev/port methods). Only compiled when libieee1284 is found.
#include "papers/driver/ieee1284_port.hpp"

#include <ieee1284.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "papers/driver/pins.hpp"

namespace papers::driver {

namespace {

// Frees the list on every path; opened ports keep their own reference.
struct PortList {
    parport_list list{};
    bool filled = false;
    ~PortList() {
        if (filled) ieee1284_free_ports(&list);
    }
};

std::string describe(const parport* p) {
    char b[64];
    std::snprintf(b, sizeof b, "base 0x%lx", p->base_addr);
    std::string s = std::string(p->name ? p->name : "?") + " (" + b;
    if (p->filename) s += ", " + std::string(p->filename);
    return s + ")";
}

bool matches(const PortSpec& spec, const parport* p) {
    const std::string name = p->name ? p->name : "";
    const std::string file = p->filename ? p->filename : "";
    switch (spec.kind) {
        case PortSpec::Kind::base_address:
            return p->base_addr == spec.base;
        case PortSpec::Kind::device:
            if (file == spec.text) return true;
            // /dev/parports/0 (devfs/udev) and /dev/parport0 name one port.
            return parport_number(spec) >= 0 &&
                   name == "parport" + std::to_string(parport_number(spec));
        case PortSpec::Kind::name:
            return name == spec.text || (!file.empty() && file == "/dev/" + spec.text);
    }
    return false;
}

std::string errno_note(int e) {
    return e ? std::string(" (last system error: ") + std::strerror(e) + ")" : std::string();
}

PortResult open_failure(const std::string& who, int rc, int e) {
    const std::string head = "libieee1284 could not open " + who + ": " + e1284_name(rc);
    switch (rc) {
        case E1284_INIT:
            if (e == EACCES || e == EPERM)
                return port_failure(
                    PortErr::no_permission,
                    head + errno_note(e) +
                        ": permission denied. Give this user access to /dev/parportN (add it "
                        "to group lp and log in again, or install the udev rule in "
                        "docs/hardware.md), or run through papers-ioperm with "
                        "PAPERS_PORT_ACCESS=direct");
            return port_failure(
                PortErr::not_found,
                head + errno_note(e) +
                    ": no access method reaches this port (no ppdev device /dev/parportN: "
                    "load parport_pc and ppdev; the io and /dev/port methods need root). A "
                    "port the library lists need not exist: without /proc/sys/dev/parport it "
                    "guesses 0x278, 0x378 and 0x3bc");
        case E1284_NOTAVAIL:
            return port_failure(PortErr::busy, head + errno_note(e) +
                                                   ": not available (another program holds it "
                                                   "exclusively?)");
        case E1284_INVALIDPORT:
            return port_failure(PortErr::not_found, head + ": the library calls it invalid");
        case E1284_SYS:
            return port_failure(PortErr::system, head + errno_note(e));
        default:
            return port_failure(PortErr::system, head + errno_note(e));
    }
}

}  // namespace

const char* e1284_name(int rc) {
    switch (rc) {
        case E1284_OK: return "E1284_OK";
        case E1284_NOTIMPL: return "E1284_NOTIMPL";
        case E1284_NOTAVAIL: return "E1284_NOTAVAIL";
        case E1284_TIMEDOUT: return "E1284_TIMEDOUT";
        case E1284_REJECTED: return "E1284_REJECTED";
        case E1284_NEGFAILED: return "E1284_NEGFAILED";
        case E1284_NOMEM: return "E1284_NOMEM";
        case E1284_INIT: return "E1284_INIT";
        case E1284_SYS: return "E1284_SYS";
        case E1284_NOID: return "E1284_NOID";
        case E1284_INVALIDPORT: return "E1284_INVALIDPORT";
    }
    return "E1284_(unknown)";
}

bool ieee1284_list(std::vector<Ieee1284PortInfo>& out, std::string& err) {
    out.clear();
    PortList pl;
    if (int rc = ieee1284_find_ports(&pl.list, 0); rc != E1284_OK) {
        err = std::string("libieee1284 could not list ports: ") + e1284_name(rc);
        return false;
    }
    pl.filled = true;
    for (int i = 0; i < pl.list.portc; ++i) {
        const parport* p = pl.list.portv[i];
        out.push_back({p->name ? p->name : "", p->filename ? p->filename : "", p->base_addr});
    }
    return true;
}

PortResult Ieee1284Port::open(const PortSpec& spec) {
    PortList pl;
    if (int rc = ieee1284_find_ports(&pl.list, 0); rc != E1284_OK)
        return port_failure(PortErr::system,
                            std::string("libieee1284 could not list ports: ") + e1284_name(rc));
    pl.filled = true;
    parport* found = nullptr;
    std::string known;
    for (int i = 0; i < pl.list.portc; ++i) {
        parport* p = pl.list.portv[i];
        if (!found && matches(spec, p)) found = p;
        known += (known.empty() ? "" : ", ") + describe(p);
    }
    if (!found)
        return port_failure(PortErr::not_found,
                            "no parallel port '" + spec.text + "' among the ports libieee1284 " +
                                "lists: " +
                                (known.empty() ? std::string("none") : known) +
                                " (papers-probe shows what each one can do)");
    const std::string who = "port " + describe(found);

    // Exclusive first (ppdev can do it; the io and /dev/port methods refuse
    // any flag), then shared. caps is preset even on failure: trust it only
    // after E1284_OK.
    int caps = 0;
    bool exclusive = true;
    errno = 0;
    int rc = ieee1284_open(found, F1284_EXCL, &caps);
    if (rc != E1284_OK) {
        exclusive = false;
        caps = 0;
        errno = 0;
        rc = ieee1284_open(found, 0, &caps);
    }
    if (rc != E1284_OK) return open_failure(who, rc, errno);
    if (!(caps & CAP1284_RAW)) {
        ieee1284_close(found);
        return port_failure(PortErr::unsupported,
                            "libieee1284 opened " + who +
                                " but without pin-level access (CAP1284_RAW), which the hub "
                                "protocol needs");
    }
    errno = 0;
    rc = ieee1284_claim(found);
    if (rc != E1284_OK) {
        const int e = errno;
        ieee1284_close(found);
        return port_failure(rc == E1284_NOTAVAIL ? PortErr::busy : PortErr::system,
                            "libieee1284 opened but could not claim " + who + ": " +
                                e1284_name(rc) + errno_note(e) +
                                " (another driver, e.g. lp, or program holds it?)");
    }
    ieee1284_data_dir(found, 0);  // data lines drive the cable (forward)
    PortResult r;
    r.port.reset(new Ieee1284Port(found, "ieee1284:" + describe(found), exclusive, caps));
    return r;
}

Ieee1284Port::~Ieee1284Port() {
    ieee1284_release(port_);
    ieee1284_close(port_);
}

std::string Ieee1284Port::name() const {
    if (!read_errors_) return label_;
    return label_ + " [" + std::to_string(read_errors_) + " failed status reads]";
}

void Ieee1284Port::do_write_data(std::uint8_t v) { ieee1284_write_data(port_, v); }

std::uint8_t Ieee1284Port::do_read_status() {
    // Pin levels -> register meaning (BUSY inverted), as inb would see it.
    const int v = ieee1284_read_status(port_);
    if (v < 0) {
        // No error channel here: repeat the last good value so no waiter
        // can make progress on a failed read; its timeout names this port.
        ++read_errors_;
        return last_good_;
    }
    last_good_ = pins::register_from_pins(static_cast<std::uint8_t>(v));
    return last_good_;
}

void Ieee1284Port::do_write_control(std::uint8_t v) {
    // The library takes pin-style values and inverts nStrobe/nAutoFd/
    // nSelectIn itself; hand it what makes the REGISTER read v.
    ieee1284_write_control(port_, static_cast<std::uint8_t>(v ^ C1284_INVERTED));
}

void Ieee1284Port::idle(std::uint8_t last_status, Clock::time_point deadline) {
    const auto now = Clock::now();
    if (now >= deadline) return;
    const auto slice = std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(1));
    const long us = std::max<long>(
        1, static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(slice).count()));
    timeval tv{};
    tv.tv_sec = us / 1000000;
    tv.tv_usec = us % 1000000;
    // G (hub) and the peer's S (LapLink) are both on BUSY: wait for it to move.
    const std::uint8_t busy_now = pins::pins_from_register(last_status) & S1284_BUSY;
    ieee1284_wait_status(port_, S1284_BUSY, static_cast<unsigned char>(busy_now ^ S1284_BUSY), &tv);
}

}  // namespace papers::driver
