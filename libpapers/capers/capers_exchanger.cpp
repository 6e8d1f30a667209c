#include "capers_exchanger.hpp"

#include <cstdio>

#include "../core/error.hpp"
#include "../hub/spin_wait.hpp"
#include "papers/driver/pins.hpp"
#include "papers/papers.h"

namespace papers::capers {

namespace {
// The five status bits a LapLink cable drives (peer D0..D4); bits 0..2 float.
constexpr std::uint8_t kCableBits = 0xF8;
}  // namespace

void CapersExchanger::put(unsigned s, std::uint8_t x, bool led) {
    port_.write_data(pins::data_byte(s, x, led));
}

int CapersExchanger::wait_peer(unsigned want_s, int want_x, std::uint8_t* peer_x,
                               const hub::ExchangeLabel& where, const char* waiting_for) {
    hub::SpinWait wait(spin_polls_, timeout_);
    bool armed = false;  // the previous read matched: this one must agree
    std::uint8_t prev = 0;
    unsigned confirms = 0;
    for (;;) {
        const std::uint8_t st = port_.read_status();
        const bool match = pins::status_g(st) == want_s &&
                           (want_x < 0 || pins::status_r(st) == static_cast<unsigned>(want_x));
        if (match && armed && (st & kCableBits) == (prev & kCableBits)) {
            *peer_x = pins::status_r(st);
            return PAPERS_OK;
        }
        armed = match;
        prev = st;
        // A match is confirmed by the very next read, without idling; a
        // line that never settles still runs into the deadline below.
        if (match && (++confirms & 0x3F) != 0) continue;
        if (!match && wait.spin()) continue;
        if (wait.expired()) {
            char msg[400];
            std::snprintf(msg, sizeof msg,
                          "%s timed out after %.3g s in phase '%s' #%zu (capers exchange %llu): "
                          "the %s waited for %s (peer S=%u) on %s; status 0x%02x (peer S=%u "
                          "X=0x%x); the other PC did not answer: is its program running, is the "
                          "LapLink cable plugged in?",
                          where.op, std::chrono::duration<double>(timeout_).count(), where.phase,
                          where.index, static_cast<unsigned long long>(exchanges_),
                          leader_ ? "leader (rank 0)" : "follower (rank 1)", waiting_for, want_s,
                          port_.name().c_str(), st, pins::status_g(st), pins::status_r(st));
            return set_error(PAPERS_ETIMEDOUT, msg);
        }
        if (match) continue;
        if (int rc = wait.idle(port_, st, where); rc != PAPERS_OK) return rc;
    }
}

int CapersExchanger::start() {
    port_.write_control(pins::kControlAtOpen);
    std::uint8_t seen = 0;
    const char* op = "papers_init capers handshake";
    if (leader_) {
        put(0, 0xF, false);
        if (int rc = wait_peer(0, kHello, &seen, {op, "leader waits for hello", 0},
                               "the follower's hello (X=0x5)"))
            return rc;
        put(0, kAck, false);
        if (int rc = wait_peer(0, kReady, &seen, {op, "leader waits for ready", 1},
                               "the follower's ready (X=0x3)"))
            return rc;
    } else {
        put(0, kHello, false);
        if (int rc = wait_peer(0, kAck, &seen, {op, "follower waits for ack", 0},
                               "the leader's ack (X=0xa)"))
            return rc;
        put(0, kReady, false);
    }
    t_ = 0;
    return PAPERS_OK;
}

int CapersExchanger::nand(std::uint8_t x, std::uint8_t* r, const hub::ExchangeLabel& where) {
    x &= 0xF;
    t_ ^= 1u;
    std::uint8_t peer = 0;
    if (leader_) {
        put(t_, x, true);  // post x and the request; we are about to wait
        ++exchanges_;
        if (int rc = wait_peer(t_, -1, &peer, where, "the follower's answer")) return rc;
    } else {
        if (int rc = wait_peer(t_, -1, &peer, where, "the leader's value")) return rc;
        put(t_, x, false);  // answer only after the leader's value is read
        ++exchanges_;
    }
    *r = static_cast<std::uint8_t>(~(x & peer) & 0xF);
    return PAPERS_OK;
}

int CapersExchanger::finish() {
    // The peer reads our X straight off the cable, so we may not change it
    // until the peer has taken our last answer: one exchange proves that
    // (the follower's last answer is read before the leader toggles again).
    // Then continue to S = 0; the data of these exchanges is ignored, so the
    // final write below may race with the peer's last read harmlessly.
    std::size_t i = 0;
    do {
        std::uint8_t r = 0;
        if (int rc = nand(0xF, &r, {"finalize", "return to S=0", i++}); rc != PAPERS_OK) return rc;
    } while (t_ != 0);
    put(0, 0, false);  // S = 0, L = 0 (spec §6)
    return PAPERS_OK;
}

}  // namespace papers::capers
