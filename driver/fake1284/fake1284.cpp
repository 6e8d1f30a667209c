// fake1284.cpp — a substitute libieee1284 whose parallel ports are ports of
// a papers-hubsim wire (shared memory), so the real Ieee1284Port code runs
// in CI against the simulated hub: LD_PRELOAD=libpapers_fake1284.so, or link
// it before libieee1284. It keeps the real library's contract where the
// driver depends on it:
//   - read_status returns PIN LEVELS (BUSY not inverted), never the register;
//   - data/status/control calls fail (E1284_INVALIDPORT) or do nothing
//     unless the port is opened AND claimed;
//   - F1284_EXCL is accepted (as with ppdev); any other open flag gives
//     E1284_NOTAVAIL; *caps is preset even when open fails;
//   - ports are reference counted (free_ports after open is fine).
//
// Environment:
//   PAPERS_FAKE1284_SIM    shm name of the wire (papers-hubsim --name); unset:
//                          no ports at all, like a PC without a parallel port
//   PAPERS_FAKE1284_PORT   N or "rank": list ONE port, "parport0"
//                          (/dev/parport0, base 0x378), that is wire port N
//                          (or PAPERS_RANK) — a lab PC's view. Unset: ports
//                          sim0..simK-1 (base 0xe000 + 8*i), one per wire port.
//   PAPERS_FAKE1284_NOEXCL=1      F1284_EXCL fails (like the io method)
//   PAPERS_FAKE1284_OPEN_ERROR=E  open fails with code E (e.g. -7), errno
//   PAPERS_FAKE1284_ERRNO=N       set to N (e.g. 13 = EACCES)
// Only the ieee1284_* symbols are exported (exports.map).
#include <ieee1284.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "papers/driver/pins.hpp"
#include "papers/driver/sim_port.hpp"
#include "papers/driver/sim_wire.hpp"

namespace {

using papers::driver::SimPort;
using papers::sim::WireMapping;

struct FakePort {
    parport pub{};  // what the caller sees; pub.priv points back here
    std::string name, filename;
    std::shared_ptr<WireMapping> wire;
    int index = 0;
    int refs = 1;
    bool opened = false;
    bool claimed = false;
    std::unique_ptr<SimPort> sim;
    unsigned char control = 0;  // as written: pin-style, like the real API
    int reverse = 0;
};

std::mutex g_mu;

FakePort* fake(parport* p) { return p ? static_cast<FakePort*>(p->priv) : nullptr; }

void unref_locked(FakePort* f) {
    if (--f->refs == 0) delete f;
}

const char* env(const char* n) {
    const char* v = std::getenv(n);
    return (v && *v) ? v : nullptr;
}

FakePort* make_port(const std::shared_ptr<WireMapping>& wire, int index, const std::string& name,
                    const std::string& filename, unsigned long base) {
    auto* f = new FakePort;
    f->name = name;
    f->filename = filename;
    f->wire = wire;
    f->index = index;
    f->pub.name = f->name.c_str();
    f->pub.filename = f->filename.c_str();
    f->pub.base_addr = base;
    f->pub.hibase_addr = 0;
    f->pub.priv = f;
    return f;
}

// Pin levels of a claimed port: the simulated register with BUSY un-inverted.
int pin_levels(FakePort* f) {
    return papers::pins::pins_from_register(f->sim->read_status());
}

}  // namespace

extern "C" {

int ieee1284_find_ports(struct parport_list* list, int) {
    list->portc = 0;
    list->portv = nullptr;
    const char* sim = env("PAPERS_FAKE1284_SIM");
    if (!sim) return E1284_OK;  // no simulator named: a PC without ports
    std::string err;
    auto wire = std::make_shared<WireMapping>(WireMapping::open_shared(sim, err));
    if (!*wire) {
        std::fprintf(stderr, "fake1284: %s\n", err.c_str());
        return E1284_OK;
    }
    const papers::sim::Wire& w = *wire->get();
    if (w.magic != papers::sim::kWireMagic) {
        std::fprintf(stderr, "fake1284: %s is not a papers-hubsim wire\n", sim);
        return E1284_OK;
    }
    if (w.nports > static_cast<std::uint32_t>(papers::sim::kMaxPorts)) {  // read from shared memory
        std::fprintf(stderr, "fake1284: %s claims %u ports (at most %d)\n", sim, w.nports,
                     papers::sim::kMaxPorts);
        return E1284_OK;
    }
    const int nports = static_cast<int>(w.nports);
    std::vector<FakePort*> ports;
    if (const char* one = env("PAPERS_FAKE1284_PORT")) {
        const char* idx = std::strcmp(one, "rank") == 0 ? env("PAPERS_RANK") : one;
        const int i = idx ? std::atoi(idx) : -1;
        if (i < 0 || i >= nports) {
            std::fprintf(stderr, "fake1284: PAPERS_FAKE1284_PORT=%s names no port of %s (%d ports)\n",
                         one, sim, nports);
            return E1284_OK;
        }
        ports.push_back(make_port(wire, i, "parport0", "/dev/parport0", 0x378));
    } else {
        for (int i = 0; i < nports; ++i)
            ports.push_back(make_port(wire, i, "sim" + std::to_string(i),
                                      "sim:" + std::string(sim) + "#" + std::to_string(i),
                                      0xE000 + 8ul * i));
    }
    list->portc = static_cast<int>(ports.size());
    list->portv = new parport*[ports.size() + 1];
    for (std::size_t i = 0; i < ports.size(); ++i) list->portv[i] = &ports[i]->pub;
    list->portv[ports.size()] = nullptr;
    return E1284_OK;
}

void ieee1284_free_ports(struct parport_list* list) {
    std::lock_guard lock(g_mu);
    for (int i = 0; i < list->portc; ++i) unref_locked(fake(list->portv[i]));
    delete[] list->portv;
    list->portv = nullptr;
    list->portc = 0;
}

int ieee1284_ref(struct parport* p) {
    std::lock_guard lock(g_mu);
    FakePort* f = fake(p);
    if (!f) return E1284_INVALIDPORT;
    ++f->refs;
    return E1284_OK;
}

int ieee1284_unref(struct parport* p) {
    std::lock_guard lock(g_mu);
    FakePort* f = fake(p);
    if (!f) return E1284_INVALIDPORT;
    unref_locked(f);
    return E1284_OK;
}

int ieee1284_open(struct parport* p, int flags, int* caps) {
    // Like the real library: the capabilities are preset before anything can fail.
    if (caps) *caps = CAP1284_NIBBLE | CAP1284_BYTE | CAP1284_COMPAT | CAP1284_ECPSWE;
    std::lock_guard lock(g_mu);
    FakePort* f = fake(p);
    if (!f) return E1284_INVALIDPORT;
    if (f->opened) return E1284_INVALIDPORT;
    if (const char* e = env("PAPERS_FAKE1284_OPEN_ERROR")) {
        if (const char* n = env("PAPERS_FAKE1284_ERRNO")) errno = std::atoi(n);
        return std::atoi(e);
    }
    if (flags & ~F1284_EXCL) return E1284_NOTAVAIL;
    if ((flags & F1284_EXCL) && env("PAPERS_FAKE1284_NOEXCL")) return E1284_NOTAVAIL;
    if (!f->wire->get()->ready.load()) return E1284_INIT;  // simulator gone
    try {
        f->sim = std::make_unique<SimPort>(f->wire, f->index);
    } catch (const std::runtime_error&) {  // direct mode: the RTL plugin would not load
        return E1284_INIT;
    }
    f->opened = true;
    ++f->refs;
    if (caps) *caps |= CAP1284_RAW;
    return E1284_OK;
}

int ieee1284_close(struct parport* p) {
    std::lock_guard lock(g_mu);
    FakePort* f = fake(p);
    if (!f || !f->opened) return E1284_INVALIDPORT;
    f->claimed = false;
    f->opened = false;
    f->sim.reset();
    unref_locked(f);
    return E1284_OK;
}

int ieee1284_claim(struct parport* p) {
    FakePort* f = fake(p);
    if (!f || !f->opened) return E1284_INVALIDPORT;
    f->claimed = true;
    return E1284_OK;
}

void ieee1284_release(struct parport* p) {
    if (FakePort* f = fake(p)) f->claimed = false;
}

int ieee1284_get_irq_fd(struct parport*) { return E1284_NOTAVAIL; }

int ieee1284_read_data(struct parport* p) {
    FakePort* f = fake(p);
    if (!f || !f->claimed) return E1284_INVALIDPORT;
    return f->wire->get()->data[f->index].load();
}

void ieee1284_write_data(struct parport* p, unsigned char dt) {
    FakePort* f = fake(p);
    if (f && f->claimed) f->sim->write_data(dt);
}

int ieee1284_data_dir(struct parport* p, int reverse) {
    FakePort* f = fake(p);
    if (!f || !f->claimed) return E1284_INVALIDPORT;
    f->reverse = reverse;
    return E1284_OK;
}

int ieee1284_read_status(struct parport* p) {
    FakePort* f = fake(p);
    if (!f || !f->claimed) return E1284_INVALIDPORT;
    return pin_levels(f);
}

int ieee1284_wait_status(struct parport* p, unsigned char mask, unsigned char val,
                         struct timeval* timeout) {
    FakePort* f = fake(p);
    if (!f || !f->claimed) return E1284_INVALIDPORT;
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(timeout ? timeout->tv_sec : 0) +
                          std::chrono::microseconds(timeout ? timeout->tv_usec : 0);
    for (;;) {
        const int pins = pin_levels(f);
        if ((pins & mask) == val) return E1284_OK;
        if (Clock::now() >= deadline) return E1284_TIMEDOUT;
        // Block on the wire's futex until the simulator publishes a change.
        f->sim->idle(papers::pins::register_from_pins(static_cast<std::uint8_t>(pins)), deadline);
    }
}

int ieee1284_read_control(struct parport* p) {
    FakePort* f = fake(p);
    if (!f || !f->claimed) return E1284_INVALIDPORT;
    return f->control;
}

void ieee1284_write_control(struct parport* p, unsigned char ct) {
    FakePort* f = fake(p);
    if (f && f->claimed) f->control = ct;
}

void ieee1284_frob_control(struct parport* p, unsigned char mask, unsigned char val) {
    FakePort* f = fake(p);
    if (f && f->claimed) f->control = static_cast<unsigned char>((f->control & ~mask) ^ val);
}

}  // extern "C"
