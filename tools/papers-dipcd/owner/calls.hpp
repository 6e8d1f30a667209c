// calls.hpp — what the owner engine's structures share: the identity of a
// pending call and of its process, and the replies an operation produces
// for calls other than its own (the kernel's wake queue).
#pragma once
#include <compare>
#include <cstdint>
#include <functional>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipc::owner {

using CallId = std::uint64_t;                     // unique per pending call, chosen by the daemon
using Done = std::function<void(proto::Reply)>;  // the reply of a call that blocked

// A process of the cluster: its undo adjustments and its pending calls
// belong to this key. start_time tells a reused pid from the old process.
struct ProcKey {
    std::uint32_t host = 0;
    std::int32_t pid = 0;
    std::uint64_t start_time = 0;
    auto operator<=>(const ProcKey&) const = default;
    static ProcKey of(const proto::Caller& c) { return {c.host, c.pid, c.start_time}; }
};

// A blocked call completed by someone else's operation.
struct Wake {
    CallId call = 0;
    Done done;
    proto::Reply reply;
};

// One engine operation in progress: its time (ktime_get_real_seconds; read
// once, an operation is instantaneous at the owner) and the calls it wakes,
// delivered in this order once the operation is complete.
struct Ctx {
    std::int64_t now_s = 0;
    std::vector<Wake> wakes;
};

inline proto::Reply success(std::int64_t ret = 0, std::vector<std::uint8_t> payload = {}) {
    proto::Reply r;
    r.ret = ret;
    r.payload = std::move(payload);
    return r;
}

inline proto::Reply failure(int err) {
    proto::Reply r;
    r.ret = -1;
    r.err = err;
    return r;
}

// The kernel's internal convention: >= 0 a result, < 0 a negated errno.
inline proto::Reply reply_of(std::int64_t result) {
    return result < 0 ? failure(static_cast<int>(-result)) : success(result);
}

}  // namespace papers::dipc::owner
