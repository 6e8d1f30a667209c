#include "papers/driver/port_spec.hpp"

#include <cctype>
#include <cstdlib>

namespace papers::driver {

namespace {

const char* kExamples = "e.g. /dev/parport0, parport0 or 0x378";

bool all_digits(const std::string& s, std::size_t from) {
    if (from >= s.size()) return false;
    for (std::size_t i = from; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

}  // namespace

bool parse_port_spec(const std::string& text, PortSpec& out, std::string& err) {
    out = PortSpec{};
    out.text = text;
    if (text.empty()) {
        err = std::string("PAPERS_PORT is empty: name the parallel port, ") + kExamples +
              " (papers-probe lists the ports of this machine)";
        return false;
    }
    for (char c : text)
        if (std::isspace(static_cast<unsigned char>(c)) || !std::isprint(static_cast<unsigned char>(c))) {
            err = "PAPERS_PORT '" + text + "' contains a space or control character; " + kExamples;
            return false;
        }
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        // An I/O base address. base..base+2 must be valid port numbers.
        const std::string hex = text.substr(2);
        bool ok = hex.size() <= 4;
        for (char c : hex) ok = ok && std::isxdigit(static_cast<unsigned char>(c));
        const unsigned long v = ok ? std::strtoul(hex.c_str(), nullptr, 16) : 0;
        if (!ok || v == 0 || v > 0xFFFD) {
            err = "PAPERS_PORT '" + text +
                  "' is not a valid I/O base address: write 1 to 4 hex digits from 0x1 to "
                  "0xfffd, e.g. 0x378";
            return false;
        }
        out.kind = PortSpec::Kind::base_address;
        out.base = static_cast<std::uint16_t>(v);
        return true;
    }
    if (text[0] == '/') {
        if (text.rfind("/dev/", 0) != 0 || text.size() == 5 || text.find("/..") != std::string::npos) {
            err = "PAPERS_PORT '" + text + "' is not a device under /dev/; " + kExamples;
            return false;
        }
        out.kind = PortSpec::Kind::device;
        return true;
    }
    if (all_digits(text, 0)) {
        err = "PAPERS_PORT '" + text +
              "' looks like a decimal number: write an I/O base address in hex (0x378), or "
              "a port name (parport0)";
        return false;
    }
    if (text.size() > 64) {
        err = "PAPERS_PORT '" + text.substr(0, 64) + "...' is too long for a port name";
        return false;
    }
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
            c != ':') {
            err = "PAPERS_PORT '" + text + "' is not a port name (letters, digits, _ - . :); " +
                  kExamples;
            return false;
        }
    out.kind = PortSpec::Kind::name;
    return true;
}

bool parse_port_access(const std::string& text, Access& out, std::string& err) {
    if (text.empty() || text == "auto") out = Access::automatic;
    else if (text == "ieee1284") out = Access::ieee1284;
    else if (text == "direct") out = Access::direct;
    else {
        err = "PAPERS_PORT_ACCESS must be auto, ieee1284 or direct, got '" + text + "'";
        return false;
    }
    return true;
}

const char* access_name(Access a) {
    switch (a) {
        case Access::automatic: return "auto";
        case Access::ieee1284: return "ieee1284";
        case Access::direct: return "direct";
    }
    return "?";
}

int parport_number(const PortSpec& spec) {
    std::string rest;
    if (spec.kind == PortSpec::Kind::name && spec.text.rfind("parport", 0) == 0)
        rest = spec.text.substr(7);
    else if (spec.kind == PortSpec::Kind::device && spec.text.rfind("/dev/parports/", 0) == 0)
        rest = spec.text.substr(14);
    else if (spec.kind == PortSpec::Kind::device && spec.text.rfind("/dev/parport", 0) == 0)
        rest = spec.text.substr(12);
    else
        return -1;
    if (!all_digits(rest, 0) || rest.size() > 3) return -1;
    return std::atoi(rest.c_str());
}

}  // namespace papers::driver
