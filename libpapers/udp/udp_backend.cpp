#include "udp_backend.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "../core/error.hpp"
#include "../core/typeops.hpp"
#include "algorithms.hpp"

namespace papers::udp {

UdpBackend::UdpBackend(const Config& cfg, std::unique_ptr<Transport> transport, bool report)
    : cfg_(cfg), t_(std::move(transport)), report_(report) {}

UdpBackend::~UdpBackend() { report_once(); }

void UdpBackend::report_once() {
    if (!report_ || reported_ || !t_) return;
    reported_ = true;
    std::fprintf(stderr, "papers-udp report rank %d/%d: %s\n", cfg_.rank, cfg_.size,
                 t_->report().c_str());
}

int UdpBackend::begin(OpKind kind, const char* api, Transport::Op& running) {
    if (run_ahead_.needs_barrier(kind)) {
        Transport::Op sync = t_->begin_op(OpKind::sync, api);
        if (int rc = dissemination_barrier(*t_)) return rc;
        sync.end(true);
    }
    running = t_->begin_op(kind, api);
    return PAPERS_OK;
}

int UdpBackend::force_algorithms(const algo::Overrides& forced) {
    algo::Resolver r(forced, "udp");
    forced_barrier_ = r.forced<BarrierAlgo, BarrierShape>("barrier", kBarrierAlgorithms, &forced_group_);
    forced_reduce_ = r.forced<ReduceAlgo, ReduceShape>("reduce", kReduceAlgorithms);
    forced_putget_ = r.forced<PutgetAlgo, PutgetShape>("putget", kPutgetAlgorithms);
    std::string err;
    if (!r.ok(err)) return set_error(PAPERS_EINVAL, err);
    if (forced_group_ > cfg_.size)
        return set_error(PAPERS_EINVAL, "PAPERS_ALGORITHMS: barrier=groups:" +
                                            std::to_string(forced_group_) +
                                            ": the group size must be from 1 to " +
                                            std::to_string(cfg_.size));
    return PAPERS_OK;
}

int UdpBackend::hello(std::uint64_t digest, int crowding) {
    if (!t_) return PAPERS_OK;
    Transport::Op handshake = t_->begin_op(OpKind::hello, "papers_init");
    auto most = static_cast<std::uint8_t>(std::clamp(crowding, 1, 255));
    if (int rc = dissemination_hello(*t_, digest, most)) return rc;
    handshake.end(true);
    // A barrier after the handshake: completing it proves that every rank
    // finished the handshake, so no peer can still need one of its
    // datagrams once we return and compute. (At start-up a peer may bind
    // its port only after our handshake datagram reached it and was lost,
    // and a rank outside papers calls answers no retransmit request.)
    Transport::Op sync = t_->begin_op(OpKind::sync, "papers_init");
    if (int rc = dissemination_barrier(*t_)) return rc;
    sync.end(true);
    const BarrierShape shape{cfg_.size, int(most)};
    switch (algo::select<BarrierAlgo, BarrierShape>(kBarrierAlgorithms, shape, forced_barrier_).id) {
        case BarrierAlgo::groups: group_ = forced_group_ > 0 ? int(forced_group_) : int(most); break;
        case BarrierAlgo::dissemination: group_ = 1; break;
        case BarrierAlgo::star: group_ = cfg_.size; break;
    }
    group_ = std::min(group_, cfg_.size);
    return PAPERS_OK;
}

int UdpBackend::barrier() {
    std::vector<std::uint8_t> none;
    return vote("papers_barrier", none, OpKind::barrier);
}

int UdpBackend::vote(const char* api, std::vector<std::uint8_t>& bits, OpKind kind) {
    if (!t_) return PAPERS_OK;
    Transport::Op running;
    if (int rc = begin(kind, api, running)) return rc;
    if (int rc = two_level_or(*t_, bits, group_)) return rc;
    running.end(true);
    return PAPERS_OK;
}

int UdpBackend::any(int flag) {
    std::vector<std::uint8_t> b{std::uint8_t(flag != 0)};
    if (int rc = vote("papers_any", b)) return rc;
    return b[0] ? 1 : 0;
}

int UdpBackend::all(int flag) {
    std::vector<std::uint8_t> b{std::uint8_t(flag == 0)};  // all = not any(not flag)
    if (int rc = vote("papers_all", b)) return rc;
    return b[0] ? 0 : 1;
}

int UdpBackend::waitvec(int flag, std::uint64_t* mask) {
    std::vector<std::uint8_t> b(8, 0);
    if (flag) put_u64(b.data(), std::uint64_t(1) << cfg_.rank);
    if (int rc = vote("papers_waitvec", b)) return rc;
    *mask = get_u64(b.data());
    return PAPERS_OK;
}

int UdpBackend::bcast(void* buf, std::size_t bytes, int root) {
    if (!t_) return PAPERS_OK;
    Transport::Op running;
    if (int rc = begin(OpKind::bcast, "papers_bcast", running)) return rc;
    if (int rc = binomial_bcast(*t_, static_cast<std::uint8_t*>(buf), bytes, root)) return rc;
    running.end(false);  // the root finishes without hearing from anyone
    return PAPERS_OK;
}

int UdpBackend::gather(const void* in, void* out, std::size_t bytes) {
    if (!t_) {
        std::memmove(out, in, bytes);
        return PAPERS_OK;
    }
    Transport::Op running;
    if (int rc = begin(OpKind::gather, "papers_gather", running)) return rc;
    // Through a copy: `in` may lie inside `out`.
    const Bytes mine(static_cast<const std::uint8_t*>(in), static_cast<const std::uint8_t*>(in) + bytes);
    if (int rc = bruck_allgather(*t_, mine.data(), bytes, static_cast<std::uint8_t*>(out))) return rc;
    running.end(true);
    return PAPERS_OK;
}

int UdpBackend::putget(const void* in, void* out, std::size_t bytes, int src) {
    if (!t_) {
        std::memmove(out, in, bytes);
        return PAPERS_OK;
    }
    Transport::Op running;
    if (int rc = begin(OpKind::putget, "papers_putget", running)) return rc;
    const Bytes mine(static_cast<const std::uint8_t*>(in), static_cast<const std::uint8_t*>(in) + bytes);
    const PutgetShape shape{cfg_.size, bytes};
    auto* to = static_cast<std::uint8_t*>(out);
    switch (algo::select<PutgetAlgo, PutgetShape>(kPutgetAlgorithms, shape, forced_putget_).id) {
        case PutgetAlgo::allgather:
            if (int rc = putget_allgather(*t_, mine.data(), to, bytes, src)) return rc;
            break;
        case PutgetAlgo::direct:
            if (int rc = putget_direct(*t_, mine.data(), to, bytes, src)) return rc;
            break;
    }
    running.end(true);
    return PAPERS_OK;
}

int UdpBackend::reduce(const void* in, void* out, std::size_t count, papers_type_t type,
                       papers_op_t op) {
    const std::size_t bytes = count * type_size(type);
    Bytes acc(static_cast<const std::uint8_t*>(in), static_cast<const std::uint8_t*>(in) + bytes);
    if (op == PAPERS_LAND || op == PAPERS_LOR) normalise_logical(acc.data(), count, type);
    if (t_) {
        Transport::Op running;
        if (int rc = begin(OpKind::reduce, "papers_reduce", running)) return rc;
        int rc = PAPERS_OK;
        const ReduceShape shape{cfg_.size, count, bytes, type, op};
        switch (algo::select<ReduceAlgo, ReduceShape>(kReduceAlgorithms, shape, forced_reduce_).id) {
            case ReduceAlgo::rank_order:
                rc = rank_order_allreduce(*t_, acc.data(), count, type, op);
                break;
            case ReduceAlgo::rabenseifner:
                rc = rabenseifner_allreduce(*t_, acc.data(), count, type, op);
                break;
            case ReduceAlgo::recursive_doubling:
                rc = recursive_doubling_allreduce(*t_, acc.data(), count, type, op);
                break;
        }
        if (rc) return rc;
        running.end(true);
    }
    std::memcpy(out, acc.data(), bytes);
    return PAPERS_OK;
}

int UdpBackend::finalize() {
    if (!t_) return PAPERS_OK;
    t_->stop_progress();  // from here on this thread serves REQs (linger)
    Transport::Op running;
    if (int rc = begin(OpKind::final, "papers_finalize", running)) return rc;
    t_->mark_final(t_->current_op());
    if (int rc = dissemination_barrier(*t_)) return rc;
    running.end(true);
    // Peers may still need our final messages: stay until each target says
    // DONE, bounded (docs/udp.md, "Finalize").
    t_->linger(dissemination_sources(cfg_.rank, cfg_.size), dissemination_targets(cfg_.rank, cfg_.size),
               std::min(cfg_.timeout_s, 1.0));
    report_once();
    binding_.restore();
    return PAPERS_OK;
}

}  // namespace papers::udp
