// papers-reset — after a crashed job (spec §6): write S = 0, L = 0 (the
// whole DATA byte 0) on this PC's port, so the hub can return to its
// power-on state once every PC has been reset. See docs/hardware.md.
//
// Exit codes: 0 reset done; 2 usage error (bad option or PAPERS_PORT);
// 3 the port cannot be opened.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/core_env.hpp"
#include "papers/driver/hw_port.hpp"
#include "papers/driver/pins.hpp"

namespace {

enum Exit { kOk = 0, kUsage = 2, kNoPort = 3 };


}  // namespace

int main(int argc, char** argv) {
    using namespace papers;
    CLI::App app{
        "papers-reset: after a crashed job, write S=0, L=0 (DATA = 0x00) on this PC's parallel "
        "port. Run it on every PC of the hub (or both ends of a LapLink cable); the hub then "
        "returns to G=0.\nExit codes: 0 done, 2 usage, 3 port cannot be opened.",
        "papers-reset"};
    env::Reader in(core_env::kTable);  // the library's own declaration of the two
    std::string port = in.text(core_env::kPort);
    std::string access = in.text(core_env::kPortAccess);
    bool quiet = false;
    app.add_option("--port", port, "/dev/parport0, parport0 or 0x378 (default: $PAPERS_PORT)");
    app.add_option("--access", access, "auto (default), ieee1284 or direct (default: "
                                       "$PAPERS_PORT_ACCESS)")
        ->check(CLI::IsMember({"auto", "ieee1284", "direct"}));
    app.add_flag("-q,--quiet", quiet, "print nothing on success");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return e.get_exit_code() == 0 ? kOk : kUsage;
    }
    if (port.empty()) {
        std::fprintf(stderr,
                     "papers-reset: which port? give --port (e.g. /dev/parport0 or 0x378) or "
                     "set PAPERS_PORT\n");
        return kUsage;
    }
    auto r = driver::open_hw_port(port, access);
    if (!r) {
        std::fprintf(stderr, "papers-reset: %s\n", r.message.c_str());
        return r.err == driver::PortErr::bad_spec ? kUsage : kNoPort;
    }
    r.port->write_control(pins::kControlAtOpen);
    r.port->write_data(pins::data_byte(0, 0, false));  // S = 0, L = 0, X = 0
    const std::uint8_t st = r.port->read_status();
    if (!quiet)
        std::printf("papers-reset: %s: wrote DATA=0x00 (S=0, L=0); status now 0x%02x (G=%u "
                    "R=0x%x). G returns to 0 once every PC on the hub has S=0.\n",
                    r.port->name().c_str(), st, pins::status_g(st), pins::status_r(st));
    return kOk;
}
