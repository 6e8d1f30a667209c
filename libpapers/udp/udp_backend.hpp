// udp_backend.hpp — the Ethernet backend (PAPERS_BACKEND=udp).
//
// Peers from PAPERS_HOSTS, a socket per peer (links.hpp), every datagram
// authenticated with the job key (PAPERS_KEY). Each collective is one
// numbered operation made of O(log n) rounds (algorithms.hpp, chosen from
// udp_algorithms.hpp) over a Transport that makes rounds reliable
// (transport.hpp). docs/udp.md.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "../core/backend.hpp"
#include "../core/config.hpp"
#include "../core/placement.hpp"
#include "transport.hpp"
#include "udp_algorithms.hpp"

namespace papers::udp {

class UdpBackend final : public Backend {
public:
    // transport is null for a job of one rank (no network at all).
    UdpBackend(const Config& cfg, std::unique_ptr<Transport> transport, bool report);
    ~UdpBackend() override;

    int barrier() override;
    int any(int flag) override;
    int all(int flag) override;
    int waitvec(int flag, std::uint64_t* mask) override;
    int bcast(void* buf, std::size_t bytes, int root) override;
    int gather(const void* in, void* out, std::size_t bytes) override;
    int putget(const void* in, void* out, std::size_t bytes, int src) override;
    int reduce(const void* in, void* out, std::size_t count, papers_type_t type,
               papers_op_t op) override;
    int finalize() override;
    const char* name() const override { return "udp"; }

    // The algorithms PAPERS_ALGORITHMS forces (udp_algorithms.hpp); 0 or
    // PAPERS_EINVAL with the message set.
    int force_algorithms(const algo::Overrides& forced);
    // The start-up handshake (operation 0), run by the factory. `crowding`:
    // ranks per core on this host, rounded up (1 when every rank has a
    // core). Then the barrier's group size is chosen from the largest
    // crowding of any host, the same on every rank.
    int hello(std::uint64_t digest, int crowding);
    // Binds this rank to a CPU (undone by finalize).
    CpuBinding& binding() { return binding_; }
    int group() const { return group_; }
    // After the handshake: REQs get answered while the application computes.
    void start_progress() {
        if (t_) t_->start_progress();
    }

private:
    // Starts an operation in `op` (after a barrier when the run-ahead guard
    // asks for one, run_ahead.hpp).
    int begin(OpKind kind, const char* api, Transport::Op& running);
    // Barrier (no bits) and votes: an OR over all ranks.
    int vote(const char* api, std::vector<std::uint8_t>& bits, OpKind kind = OpKind::vote);
    void report_once();

    Config cfg_;
    std::unique_ptr<Transport> t_;
    RunAheadGuard run_ahead_;
    // Group size of two_level_or for barriers and votes: chosen at
    // start-up, the same on every rank.
    int group_ = 1;
    const BarrierRow* forced_barrier_ = nullptr;
    long forced_group_ = -1;  // the K of barrier=groups:K
    const ReduceRow* forced_reduce_ = nullptr;
    const PutgetRow* forced_putget_ = nullptr;
    CpuBinding binding_;
    bool report_ = false, reported_ = false;
};

// For tests and tools: the digest every rank of a job must agree on.
std::uint64_t job_digest(int size, const std::string& hosts);

}  // namespace papers::udp
