// hw_port.cpp — PAPERS_PORT + PAPERS_PORT_ACCESS -> an open hardware port.
#include "papers/driver/hw_port.hpp"

#include <fstream>

#include "papers/driver/direct_port.hpp"
#ifdef PAPERS_HAVE_IEEE1284
#include "papers/driver/ieee1284_port.hpp"
#endif

namespace papers::driver {

namespace {

// The I/O base the kernel's parport driver found for parportN (the first
// number of /proc/sys/dev/parport/parportN/base-addr), or 0.
std::uint16_t kernel_base_of(int n) {
    std::ifstream f("/proc/sys/dev/parport/parport" + std::to_string(n) + "/base-addr");
    unsigned long v = 0;
    if (!(f >> v) || v == 0 || v > 0xFFFD) return 0;
    return static_cast<std::uint16_t>(v);
}

PortResult open_direct(const PortSpec& spec, const IoFns& io) {
    std::uint16_t base = 0;
    if (spec.kind == PortSpec::Kind::base_address) {
        base = spec.base;
    } else if (int n = parport_number(spec); n >= 0) {
        base = kernel_base_of(n);
        if (!base)
            return port_failure(PortErr::not_found,
                                "direct access to '" + spec.text +
                                    "' needs its I/O base, but /proc/sys/dev/parport/parport" +
                                    std::to_string(n) +
                                    "/base-addr does not exist: give the base instead "
                                    "(PAPERS_PORT=0x378)");
    } else {
        return port_failure(PortErr::not_found,
                            "direct access needs an I/O base address (PAPERS_PORT=0x378) or a "
                            "kernel port parportN, not '" + spec.text + "'");
    }
    return DirectPort::open(base, io);
}

PortResult open_ieee1284(const PortSpec& spec) {
#ifdef PAPERS_HAVE_IEEE1284
    return Ieee1284Port::open(spec);
#else
    (void)spec;
    return port_failure(PortErr::unsupported,
                        "this build has no libieee1284 (install libieee1284-3-dev and rebuild), "
                        "so PAPERS_PORT_ACCESS=ieee1284 is not available; use "
                        "PAPERS_PORT_ACCESS=direct");
#endif
}

// Which failure to report when both methods failed: the one that tells the
// user most (a permission problem or a busy port beats "not reachable").
PortErr combined(PortErr a, PortErr b) {
    for (PortErr e : {PortErr::bad_spec, PortErr::no_permission, PortErr::busy})
        if (a == e || b == e) return e;
    if (a == PortErr::not_found || b == PortErr::not_found) return PortErr::not_found;
    return a;
}

}  // namespace

const char* port_err_name(PortErr e) {
    switch (e) {
        case PortErr::none: return "ok";
        case PortErr::bad_spec: return "bad spec";
        case PortErr::not_found: return "not found";
        case PortErr::no_permission: return "no permission";
        case PortErr::unsupported: return "unsupported";
        case PortErr::busy: return "busy";
        case PortErr::system: return "system error";
    }
    return "?";
}

bool have_ieee1284() {
#ifdef PAPERS_HAVE_IEEE1284
    return true;
#else
    return false;
#endif
}

PortResult open_hw_port(const std::string& spec_text, const std::string& access_text,
                        const IoFns* io) {
    std::string err;
    Access access{};
    if (!parse_port_access(access_text, access, err)) return port_failure(PortErr::bad_spec, err);
    if (spec_text.empty())
        return port_failure(PortErr::bad_spec,
                            "PAPERS_PORT is not set: name the parallel port of the hub or cable, "
                            "e.g. PAPERS_PORT=/dev/parport0, parport0 or 0x378 (papers-probe "
                            "lists the ports of this machine)");
    PortSpec spec;
    if (!parse_port_spec(spec_text, spec, err)) return port_failure(PortErr::bad_spec, err);
    const IoFns fns = io ? *io : default_io_fns();

    switch (access) {
        case Access::ieee1284: return open_ieee1284(spec);
        case Access::direct: return open_direct(spec, fns);
        case Access::automatic: break;
    }
    PortResult a = open_ieee1284(spec);
    if (a) return a;
    PortResult b = open_direct(spec, fns);
    if (b) return b;
    return port_failure(combined(a.err, b.err),
                        "no access method works for PAPERS_PORT=" + spec_text +
                            " (PAPERS_PORT_ACCESS=auto tried both): ieee1284: " + a.message +
                            "; direct: " + b.message);
}

}  // namespace papers::driver
