// port_spec.hpp — how a user names a hardware parallel port (PAPERS_PORT)
// and how the driver may reach it (PAPERS_PORT_ACCESS). Parsing only; the
// ports themselves are opened by hw_port.hpp.
#pragma once
#include <cstdint>
#include <string>

namespace papers::driver {

struct PortSpec {
    enum class Kind {
        base_address,  // "0x378": the I/O base (direct access, or a libieee1284 port at that base)
        device,        // "/dev/parport0": a device node (ppdev through libieee1284)
        name           // "parport0": a port name as libieee1284 lists it
    };
    Kind kind = Kind::name;
    std::string text;         // as the user wrote it
    std::uint16_t base = 0;   // Kind::base_address
};

// Parses PAPERS_PORT. Returns false with `err` saying what is wrong and what
// a valid spec looks like.
bool parse_port_spec(const std::string& text, PortSpec& out, std::string& err);

enum class Access { automatic, ieee1284, direct };

// Parses PAPERS_PORT_ACCESS ("" means auto).
bool parse_port_access(const std::string& text, Access& out, std::string& err);
const char* access_name(Access a);

// The kernel parport number a spec names, for "parportN" and "/dev/parportN"
// (also "/dev/parports/N"); -1 otherwise.
int parport_number(const PortSpec& spec);

}  // namespace papers::driver
