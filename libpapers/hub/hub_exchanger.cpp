#include "hub_exchanger.hpp"

#include <cstdio>
#include <string>

#include "../core/error.hpp"
#include "papers/driver/pins.hpp"
#include "papers/papers.h"
#include "spin_wait.hpp"

namespace papers::hub {

int HubExchanger::start() {
    port_.write_control(pins::kControlAtOpen);
    t_ = pins::status_g(port_.read_status());
    // Idle: S equals G, so this PE requests nothing yet.
    port_.write_data(pins::data_byte(t_, 0xF, false));
    return PAPERS_OK;
}

int HubExchanger::wait_for_g(std::uint8_t* status, const ExchangeLabel& where) {
    SpinWait wait(spin_polls_, timeout_);
    for (;;) {
        const std::uint8_t st = port_.read_status();
        if (pins::status_g(st) == t_) {
            *status = st;
            return PAPERS_OK;
        }
        if (wait.spin()) continue;
        if (wait.expired()) {
            char msg[320];
            std::snprintf(msg, sizeof msg,
                          "%s timed out after %.3g s in phase '%s' #%zu (hub exchange %llu): "
                          "waiting for G=%u on %s; status 0x%02x; a PE did not arrive",
                          where.op, std::chrono::duration<double>(timeout_).count(), where.phase,
                          where.index, static_cast<unsigned long long>(exchanges_), t_,
                          port_.name().c_str(), st);
            return set_error(PAPERS_ETIMEDOUT, msg);
        }
        if (int rc = wait.idle(port_, st, where); rc != PAPERS_OK) return rc;
    }
}

int HubExchanger::nand(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& where) {
    t_ ^= 1u;
    // X, S and the LED hint (we are about to wait) in one outb.
    port_.write_data(pins::data_byte(t_, x, true));
    ++exchanges_;
    std::uint8_t st = 0;
    if (int rc = wait_for_g(&st, where); rc != PAPERS_OK) return rc;
    *r = pins::status_r(st);
    return PAPERS_OK;
}

int HubExchanger::finish() {
    if (t_ != 0) {
        // One more barrier brings G (and every S) back to 0 (spec §6).
        std::uint8_t r = 0;
        if (int rc = nand(0xF, &r, {"finalize", "return to G=0", 0}); rc != PAPERS_OK) return rc;
    }
    port_.write_data(pins::data_byte(0, 0, false));  // S = 0, L = 0: power-on state
    return PAPERS_OK;
}

}  // namespace papers::hub
