// transport.cpp — building a Transport, and the messages it received. The
// other parts of the class are in the files transport.hpp lists.
#include "transport.hpp"

#include <algorithm>

namespace papers::udp {

using namespace std::chrono_literals;

Transport::Transport(const TransportSetup& s, std::unique_ptr<Links> links)
    : me_(s.rank), n_(s.size), peers_(s.peers), links_(std::move(links)), mac_(s.key),
      self_{s.job, s.size, s.rank},
      stride_(static_cast<std::uint32_t>(s.datagram_bytes - kOverhead)),
      spin_polls_(s.spin_polls), oversubscribed_(s.oversubscribed),
      spin_time_(50us), long_spin_time_(20ms),
      timeout_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.timeout_s))),
      rto_min_(s.rto_min), rto_max_(s.rto_max),
      rx_(65536), tx_(kMaxDatagram), last_heard_(s.size), heard_(s.size, false),
      bad_mac_from_(s.size, 0), stall_waits_for_(s.size, -1), stall_op_(s.size, 0),
      done_from_(s.size, false) {
    const auto period = std::chrono::duration<double>(s.timeout_s / 8);
    gossip_period_ = std::clamp<Clock::duration>(
        std::chrono::duration_cast<Clock::duration>(period), 20ms, 1000ms);
    progress_period_ = std::clamp<Clock::duration>(
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.timeout_s / 20)),
        5ms, 50ms);
    if (s.faults)
        faults_ = std::make_unique<FaultInjector>(
            *s.faults, s.rank,
            [this](const std::uint8_t* d, std::size_t n, int dest) { raw_send(d, n, dest); });
}

Transport::~Transport() { stop_progress(); }

std::unique_ptr<Transport> Transport::open(const TransportSetup& s, int* code) {
    auto links = Links::open(s.peers, s.rank, code, s.after_link_bound);
    if (!links) return nullptr;
    return std::unique_ptr<Transport>(new Transport(s, std::move(links)));
}

const Bytes& Transport::received(std::uint8_t round, int peer) {
    return inbox_.find(cur_op_, round, peer)->data;
}

}  // namespace papers::udp
