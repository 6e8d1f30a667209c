#include "self_test.hpp"

#include <cstdio>

#include "core/error.hpp"
#include "hub/hub_exchanger.hpp"

namespace papers::probe {

bool SelfTestReport::passed() const {
    if (!failure.empty() || results.empty()) return false;
    for (const auto& r : results)
        if (!r.ok()) return false;
    return true;
}

SelfTestReport run_self_test(driver::Port& port, std::chrono::nanoseconds timeout, int rounds) {
    SelfTestReport rep;
    // The engine's own exchange: the same outb / poll / timeout as papers_init.
    hub::HubExchanger ex(port, timeout, port.spin_polls());
    ex.start();
    for (int round = 0; round < rounds && rep.failure.empty(); ++round)
        for (unsigned x = 0; x < 16; ++x) {
            NybbleResult n;
            n.x = static_cast<std::uint8_t>(x);
            n.expect = static_cast<std::uint8_t>(~x & 0xF);
            const int rc = ex.nand(n.x, &n.got, {"papers-probe self-test", "nybble", x});
            if (rc != 0) {
                rep.failure = last_error();
                rep.results.push_back(n);
                break;
            }
            n.answered = true;
            rep.bad_bits |= static_cast<std::uint8_t>(n.got ^ n.expect);
            rep.results.push_back(n);
        }
    if (rep.failure.empty()) ex.finish();  // G back to 0, S = 0, L = 0
    else port.write_data(0);               // at least leave S = 0, L = 0
    return rep;
}

std::vector<std::string> describe(const SelfTestReport& rep) {
    static const char* kRPin[4] = {"15", "13", "12", "10"};
    std::vector<std::string> out;
    char b[300];
    for (const auto& n : rep.results) {
        if (!n.answered)
            std::snprintf(b, sizeof b, "  x=0x%x: no answer", n.x);
        else
            std::snprintf(b, sizeof b, "  x=0x%x: R=0x%x, expected 0x%x  %s", n.x, n.got, n.expect,
                          n.ok() ? "ok" : "WRONG");
        out.push_back(b);
    }
    for (int bit = 0; bit < 4; ++bit)
        if (rep.bad_bits & (1u << bit)) {
            std::snprintf(b, sizeof b,
                          "  bit %d is wrong: check wire X%d (pin %d) and R%d (pin %s) of this "
                          "cable and port",
                          bit, bit, bit + 2, bit, kRPin[bit]);
            out.push_back(b);
        }
    if (!rep.failure.empty()) {
        out.push_back("  the hub stopped answering: " + rep.failure);
        out.push_back(
            "  G did not follow this PE's strobe: are other ports of the hub enabled (set the "
            "jumpers so only this PE is enabled), is the hub powered, is S (pin 6) or G "
            "(pin 11) broken?");
    }
    return out;
}

}  // namespace papers::probe
