#include "status_view.hpp"

#include <cstdio>

#include "papers/driver/pins.hpp"

namespace papers::probe {

namespace {
constexpr std::uint8_t kWires = 0xF8;  // status bits the hub drives (3..7)
}

StatusView interpret_status(const std::vector<std::uint8_t>& samples) {
    StatusView v;
    if (samples.empty()) {
        v.text = "no status read";
        return v;
    }
    const std::uint8_t st = samples.front();
    v.g = pins::status_g(st);
    v.r = pins::status_r(st);
    char buf[400];
    for (std::uint8_t s : samples)
        if ((s & kWires) != (st & kWires)) {
            std::snprintf(buf, sizeof buf,
                          "the status inputs change by themselves (0x%02x, then 0x%02x): "
                          "floating inputs (no cable, or a hub without power), or other PEs "
                          "are running a job on this hub right now",
                          st, s);
            v.seen = Seen::no_hub;
            v.text = buf;
            return v;
        }
    if (st == 0xFF) {
        v.seen = Seen::no_port;
        v.text = "the register reads 0xff: nothing answers at this address (no parallel "
                 "port there, or it is disabled in the BIOS)";
        return v;
    }
    if ((st & kWires) == 0x78) {
        // Pin levels all high: BUSY high reads as bit 7 = 0.
        v.seen = Seen::no_hub;
        std::snprintf(buf, sizeof buf,
                      "status 0x%02x: all five hub inputs are high, which is what open TTL "
                      "inputs read: no hub answering (cable unplugged, hub off). A hub left "
                      "at G=1 R=0xf by a crashed job looks the same: run papers-reset on "
                      "every PC of the hub and probe again",
                      st);
        v.text = buf;
        return v;
    }
    v.seen = Seen::hub;
    if (v.g == 0 && v.r == 0)
        std::snprintf(buf, sizeof buf,
                      "status 0x%02x: G=0 R=0x0: a hub in its power-on state (idle). "
                      "Run --self-test with only this PE enabled to check the cable",
                      st);
    else
        std::snprintf(buf, sizeof buf,
                      "status 0x%02x: G=%u R=0x%x: a hub, in the state an earlier job left "
                      "(papers_init resynchronises; papers-reset on every PC returns it to "
                      "G=0 R=0)",
                      st, v.g, v.r);
    v.text = buf;
    return v;
}

}  // namespace papers::probe
