// hw_port.hpp — opening a real parallel port by configuration: PAPERS_PORT
// names it, PAPERS_PORT_ACCESS picks libieee1284 (ppdev), direct inb/outb,
// or auto (libieee1284 first, then direct). Used by the hub and capers
// backends and by papers-probe / papers-reset.
#pragma once
#include <memory>
#include <string>

#include "papers/driver/port.hpp"
#include "papers/driver/port_spec.hpp"

namespace papers::driver {

struct IoFns;  // direct_port.hpp

// Why a port could not be opened; libpapers maps it to a PAPERS_E* code.
enum class PortErr {
    none,
    bad_spec,       // PAPERS_EINVAL: PAPERS_PORT / PAPERS_PORT_ACCESS malformed
    not_found,      // PAPERS_ENODEV: no such port, or no access method reaches it
    no_permission,  // PAPERS_EPERM: the port exists but this process may not use it
    unsupported,    // PAPERS_ENOTSUP: method not built in / not possible on this kernel or CPU
    busy,           // PAPERS_EBUSY: another program holds the port
    system          // PAPERS_ESYS: anything else the OS reported
};
const char* port_err_name(PortErr e);

struct PortResult {
    std::unique_ptr<Port> port;  // set on success
    PortErr err = PortErr::none;
    std::string message;         // on failure: what happened and what to do
    explicit operator bool() const { return port != nullptr; }
};

inline PortResult port_failure(PortErr e, std::string msg) {
    PortResult r;
    r.err = e;
    r.message = std::move(msg);
    return r;
}

// Opens the port `spec` (PAPERS_PORT) with `access` (PAPERS_PORT_ACCESS).
// `io` overrides the direct-I/O functions (tests); null = the real ones.
PortResult open_hw_port(const std::string& spec, const std::string& access,
                        const IoFns* io = nullptr);

// True when this build contains the libieee1284 port.
bool have_ieee1284();

}  // namespace papers::driver
