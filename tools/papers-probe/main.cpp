// papers-probe — what parallel ports this machine has, which access methods
// reach them, what the hub says, and (--self-test) whether a hub cable
// carries every bit. See docs/hardware.md.
//
// Exit codes: 0 port usable (and, with --self-test, the test passed);
// 1 self-test failed; 2 usage error; 3 no usable port; 4 port usable but no
// hub answers (all inputs floating high).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/core_env.hpp"
#include "papers/driver/hw_port.hpp"
#include "port_survey.hpp"
#include "self_test.hpp"
#include "status_view.hpp"

namespace {

using namespace papers;

enum Exit { kOk = 0, kSelfTestFailed = 1, kUsage = 2, kNoPort = 3, kNoHub = 4 };


std::vector<std::uint8_t> sample_status(driver::Port& port) {
    std::vector<std::uint8_t> s;
    for (int i = 0; i < 8; ++i) {
        s.push_back(port.read_status());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return s;
}

int look_and_test(driver::Port& port, bool self_test, double timeout_s, int rounds) {
    const auto view = probe::interpret_status(sample_status(port));
    std::printf("  status: %s\n", view.text.c_str());
    if (!self_test) return view.seen == probe::Seen::hub ? kOk : kNoHub;
    std::printf("self-test (only this PE may be enabled on the hub), %d round(s) of 16 nybbles:\n",
                rounds);
    const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(timeout_s));
    const auto rep = probe::run_self_test(port, timeout, rounds);
    for (const auto& line : probe::describe(rep)) std::printf("%s\n", line.c_str());
    std::printf("self-test %s\n", rep.passed() ? "PASSED: every X/R wire, S and G work"
                                                : "FAILED");
    return rep.passed() ? kOk : kSelfTestFailed;
}

int probe_one(const std::string& spec, const std::string& access, bool self_test,
              double timeout_s, int rounds) {
    auto r = driver::open_hw_port(spec, access);
    if (!r) {
        std::fprintf(stderr, "papers-probe: %s\n", r.message.c_str());
        return r.err == driver::PortErr::bad_spec ? kUsage : kNoPort;
    }
    std::printf("port %s: opened as %s (PAPERS_PORT_ACCESS=%s)\n", spec.c_str(),
                r.port->name().c_str(), access.empty() ? "auto" : access.c_str());
    return look_and_test(*r.port, self_test, timeout_s, rounds);
}

int survey(bool self_test, double timeout_s, int rounds) {
    std::vector<std::string> notes;
    const auto cands = probe::find_candidates(notes);
    for (const auto& n : notes) std::printf("note: %s\n", n.c_str());
    int usable = 0, best = kNoPort;
    bool tested = false;
    for (const auto& c : cands) {
        std::printf("%s  (%s)\n", c.spec.c_str(), c.where.c_str());
        auto tries = probe::try_methods(c);
        driver::Port* open = nullptr;
        for (auto& t : tries) {
            if (t.result) {
                std::printf("  %-8s  works: %s\n", t.method.c_str(), t.result.port->name().c_str());
                if (!open) open = t.result.port.get();
            } else {
                std::printf("  %-8s  no: %s\n", t.method.c_str(), t.result.message.c_str());
            }
        }
        if (!open) continue;
        ++usable;
        // Self-test only the first usable port: the hub must see one PE.
        const int rc = look_and_test(*open, self_test && !tested, timeout_s, rounds);
        tested = tested || self_test;
        if (best == kNoPort || rc == kOk) best = rc;
    }
    if (!usable) {
        std::printf("papers-probe: no usable parallel port on this machine (%zu candidates "
                    "tried); see the reasons above and docs/hardware.md\n",
                    cands.size());
        return kNoPort;
    }
    std::printf("papers-probe: %d usable port(s); set PAPERS_PORT to the one the hub is on\n",
                usable);
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "papers-probe: list the parallel ports of this machine and the access methods that "
        "work, read the hub's status (G and R), and check a hub cable with --self-test.\n"
        "Exit codes: 0 ok, 1 self-test failed, 2 usage, 3 no usable port, 4 no hub answers.",
        "papers-probe"};
    env::Reader in(core_env::kTable);  // the library's own declaration of the two
    std::string port = in.text(core_env::kPort);
    std::string access = in.text(core_env::kPortAccess);
    bool self_test = false;
    double timeout_s = 2.0;
    int rounds = 1;
    app.add_option("--port", port,
                   "the port to probe: /dev/parport0, parport0 or 0x378 (default: $PAPERS_PORT; "
                   "without either, every port found is listed)");
    app.add_option("--access", access, "auto (default), ieee1284 or direct (default: "
                                       "$PAPERS_PORT_ACCESS)")
        ->check(CLI::IsMember({"auto", "ieee1284", "direct"}));
    app.add_flag("--self-test", self_test,
                 "with ONLY this PE enabled on the hub, exchange every nybble and check "
                 "R == NAND(x) (checks the cable)");
    app.add_option("--timeout", timeout_s, "seconds to wait for each hub answer (default 2)")
        ->check(CLI::Range(0.001, 600.0));
    app.add_option("--rounds", rounds, "self-test rounds of 16 nybbles (default 1)")
        ->check(CLI::Range(1, 100000));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return e.get_exit_code() == 0 ? kOk : kUsage;
    }
    if (!port.empty()) return probe_one(port, access, self_test, timeout_s, rounds);
    return survey(self_test, timeout_s, rounds);
}
