// layout.hpp — the shared segment of the shm backend, as every rank maps it.
//
//   [Header]                      one per job (creation, membership, central barrier)
//   [RankArea 0] ... [RankArea N-1]
//
// Every word that one rank writes and others poll sits on its own cache line,
// so a rank's stores never invalidate a line that another rank writes
// (single writer per line, no false sharing). All counters only grow (epochs
// compared with wrap-safe signed differences), so consecutive operations never
// need to reset anything and cannot race with a slow reader of the last one.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace papers::shm {

inline constexpr std::size_t kLine = 64;
inline constexpr std::uint64_t kMagic = 0x314d535245504150ull;  // "PAPERSM1"
inline constexpr std::uint32_t kLayoutVersion = 2;
inline constexpr int kMaxRounds = 12;  // dissemination rounds: ceil(log2(4096))
inline constexpr std::size_t kSlotHeader = 8;  // seq word + pad before the payload

static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<std::uint32_t>) == 4);

// Algorithms (shm_algorithms.hpp), chosen once by the creator so that every
// rank agrees.
enum class BarrierAlgo : std::uint32_t { dissemination = 0, central = 1 };
enum class ReduceAlgo : std::uint32_t { flat = 0, split = 1 };
inline constexpr std::uint32_t kAutomatic = 0xFFFFFFFF;  // no forced algorithm

// How a publisher and a sleeper agree that no wake-up is lost (see waiter.hpp).
enum class FenceMode : std::uint32_t {
    strong = 0,     // publisher stores with a full fence (xchg)
    asymmetric = 1  // publisher uses a plain store; sleepers call membarrier()
};

struct alignas(kLine) Flag {
    std::atomic<std::uint32_t> v;
};

struct alignas(kLine) Header {
    // Written by the creator before `ready` becomes 1, then read-only.
    std::uint64_t magic;
    std::uint32_t layout;
    std::uint32_t size;         // number of ranks the segment was made for
    std::uint64_t total_bytes;  // length of the whole mapping
    std::uint32_t cap;          // payload bytes per rank and parity
    BarrierAlgo barrier_algo;
    FenceMode fence_mode;
    std::int32_t creator_pid;
    std::int32_t creator_rank;
    std::uint64_t split_min_bytes;  // reductions longer than this use reduce_split
    std::uint32_t forced_reduce;    // a ReduceAlgo, or kAutomatic
    std::atomic<std::uint32_t> ready;

    // Membership (start-up only).
    alignas(kLine) std::atomic<std::uint32_t> attached;  // futex word: ranks that announced
    std::atomic<std::uint32_t> refs;                     // live mappings; the last out unlinks
    std::atomic<std::uint32_t> failed;       // 0, or 1 + rank that found a membership error
    std::atomic<std::uint32_t> weak_fence;   // 1: a rank could not register for membarrier
    std::atomic<std::uint32_t> closing;      // 1: the job finalized; new ranks must not join
    char why[256];                           // message of the failed rank

    // Central (counter) barrier, used when ranks outnumber the cores. Counter
    // and epoch share one line on purpose: the last arriver already owns the
    // line after its fetch_add, so publishing the epoch costs no extra
    // transfer (2 ranks, loop average: 0.17-0.18 us, next to 0.16-0.17 us for
    // the hand-written one-line spin barrier in the same run).
    alignas(kLine) std::atomic<std::uint32_t> central_arrived;
    std::atomic<std::uint32_t> central_gen;  // futex word: last barrier epoch done
    std::atomic<std::uint32_t> central_sleepers;
};

// The per-rank control line: written by other ranks (sleepers) and once by
// the owner (pid); read by the owner on every publish.
struct alignas(kLine) RankCtl {
    std::atomic<std::uint32_t> sleepers;  // ranks blocked in futex on one of my words
    std::atomic<std::int32_t> pid;        // 0 until this rank attached
};

// One rank's area. The two payload slots (parity 0/1) follow at run-time
// offsets because their capacity depends on the job size.
struct alignas(kLine) RankArea {
    RankCtl ctl;
    Flag bar[kMaxRounds];  // bar[k]: my epoch in dissemination round k; bar[0]
                           // also marks arrival in the central barrier
};

// Payload capacity per rank and parity: 64 KiB for small jobs, less for
// large ones so that the segment stays around 16 MiB at most.
inline std::uint32_t payload_capacity(int size) {
    std::size_t cap = (std::size_t(8) << 20) / std::size_t(size);
    if (cap > 65536) cap = 65536;
    if (cap < 4096) cap = 4096;
    return static_cast<std::uint32_t>(cap & ~(kLine - 1));
}

inline std::size_t round_line(std::size_t n) { return (n + kLine - 1) & ~(kLine - 1); }

// Byte offsets of everything in the segment, computed identically by all ranks.
struct Geometry {
    int size = 0;
    std::uint32_t cap = 0;
    std::size_t slot_stride = 0;  // one parity slot: seq word, pad, payload
    std::size_t rank_stride = 0;  // RankArea + two slots
    std::size_t total = 0;

    static Geometry for_size(int size) {
        Geometry g;
        g.size = size;
        g.cap = payload_capacity(size);
        g.slot_stride = round_line(kSlotHeader + g.cap);
        g.rank_stride = sizeof(RankArea) + 2 * g.slot_stride;
        g.total = round_line(sizeof(Header)) + std::size_t(size) * g.rank_stride;
        return g;
    }
    std::size_t rank_offset(int r) const {
        return round_line(sizeof(Header)) + std::size_t(r) * rank_stride;
    }
    std::size_t slot_offset(int r, unsigned parity) const {
        return rank_offset(r) + sizeof(RankArea) + parity * slot_stride;
    }
};

static_assert(sizeof(RankArea) == (1 + kMaxRounds) * kLine);

}  // namespace papers::shm
