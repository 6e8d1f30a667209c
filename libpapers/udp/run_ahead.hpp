// run_ahead.hpp — how far one rank can run ahead of another.
//
// Completing a bcast does not prove that every rank entered it (the root
// hears from no one), so a root could post bcast after bcast while a slow
// rank still computes. The guard bounds that: after kMaxNonFullRun such
// operations back to back the backend inserts a barrier. That bounds the
// memory of both message stores, and the window of operation numbers an
// honest datagram may carry (kAheadLimit, which the transport enforces).
#pragma once
#include <cstdint>

#include "wire_format.hpp"

namespace papers::udp {

constexpr int kMaxNonFullRun = 16;
constexpr std::uint64_t kAheadLimit = kMaxNonFullRun + 4;

class RunAheadGuard {
public:
    // Before an operation of `kind`: true when a barrier must run first.
    bool needs_barrier(OpKind kind) {
        if (kind != OpKind::bcast) {
            run_ = 0;
            return false;
        }
        const bool full = run_ >= kMaxNonFullRun;
        run_ = full ? 1 : run_ + 1;
        return full;
    }

private:
    int run_ = 0;  // bcasts since the last operation that proves everyone entered it
};

}  // namespace papers::udp
