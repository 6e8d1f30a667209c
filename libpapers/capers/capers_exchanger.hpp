// capers_exchanger.hpp — CAPERS (spec §8): two PCs joined by a LapLink
// cable, no hub. Each side's D0..D4 reach the other side's status pins, so
// a PE reads the peer's X and S with the hub decode (peerX = R(st),
// peerS = G(st)) and computes NAND(x_self, x_peer) itself. Rank 0 leads:
//
//   leader:   t ^= 1; outb(t<<4 | x); wait peerS == t; y = peerX (read twice)
//   follower: t ^= 1; wait peerS == t; x = peerX (read twice); outb(t<<4 | y)
//
// so neither side overwrites a value the other has not read. "Read twice":
// the peer's five wires are accepted only when two consecutive reads agree,
// which filters a value caught while the peer's outb is still settling.
//
// Start handshake (start()): both sides hold S = 0 throughout it.
//   leader:   outb(S=0, X=0xF); wait peer (S=0, X=HELLO); outb(S=0, X=ACK);
//             wait peer (S=0, X=READY)
//   follower: outb(S=0, X=HELLO); wait peer (S=0, X=ACK); outb(S=0, X=READY)
// Then t = 0 on both sides, and the census in HubEngine::open checks
// size and ranks through the first real exchanges. Because the leader only
// raises S after it has seen READY, a follower cannot mistake a stale S = 1
// left on the leader's port by a crashed job for a request, and the leader
// cannot mistake a stale follower state for an answer: a stale state makes
// the handshake time out with a message instead of giving wrong results.
// finish() returns both sides to S = 0 (one more exchange if t = 1) and
// writes S = 0, L = 0, X = 0, the state papers-reset also leaves.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>

#include "../hub/exchanger.hpp"

namespace papers::capers {

// X values of the start handshake: pairwise at least two bits apart, and
// apart from the idle 0xF and the reset value 0.
inline constexpr std::uint8_t kHello = 0x5;
inline constexpr std::uint8_t kAck = 0xA;
inline constexpr std::uint8_t kReady = 0x3;

class CapersExchanger final : public hub::Exchanger {
public:
    CapersExchanger(std::unique_ptr<driver::Port> port, bool leader,
                    std::chrono::nanoseconds timeout, unsigned spin_polls)
        : Exchanger(std::move(port)), leader_(leader), timeout_(timeout), spin_polls_(spin_polls) {}
    CapersExchanger(driver::Port& port, bool leader, std::chrono::nanoseconds timeout,
                    unsigned spin_polls)
        : Exchanger(port), leader_(leader), timeout_(timeout), spin_polls_(spin_polls) {}

    int start() override;
    int nand(std::uint8_t x, std::uint8_t* r, const hub::ExchangeLabel& where) override;
    int finish() override;
    bool leader() const { return leader_; }

private:
    // Polls until the peer shows S == want_s (and X == want_x unless
    // want_x < 0), confirmed by two equal consecutive reads; stores the
    // peer's X. Bounded by the timeout (PAPERS_ETIMEDOUT naming op/phase).
    int wait_peer(unsigned want_s, int want_x, std::uint8_t* peer_x, const hub::ExchangeLabel& where,
                  const char* waiting_for);
    void put(unsigned s, std::uint8_t x, bool led);

    bool leader_;
    std::chrono::nanoseconds timeout_;
    unsigned spin_polls_;
    unsigned t_ = 0;
};

}  // namespace papers::capers
