// engine_call_twin.hpp — what a random call sequence (engine_generator.hpp)
// drives: two implementations of System V IPC that receive the same calls
// and are compared call by call. The kernel vs the owner engine in-process
// (engine_twin.hpp), or the kernel vs the whole DIPC layer across hosts
// (layerdiff_twin.hpp).
#pragma once
#include <cstdint>
#include <vector>

#include "engine_call.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::enginetest {

// A structure both sides created by the same call.
struct Handle {
    proto::Kind kind = proto::Kind::sem;
    int kid = -1;           // the kernel's id
    std::int32_t eid = -1;  // the other side's id
    int nsems = 0;
    bool live = true;
    int key = 0;            // as created (IPC_PRIVATE: 0)
    std::uint64_t size = 0;     // shm
    bool marked = false;        // shm: IPC_RMID while attached (SHM_DEST)
    bool lpid_unknown = false;  // shm: a lost host's processes detached last
};

// Where a call goes: a handle, or ids chosen by the test (invalid ones).
struct Target {
    int handle = -1;
    int kid = 0;
    std::int32_t eid = 0;
    bool by_index = false;  // *_STAT: the kernel takes an index
};

// What to do with a call that blocks: keep it in flight (a later call
// completes it), interrupt it now (a signal: EINTR), or let its semtimedop
// timeout expire now.
enum class Resolve { keep, interrupt, expire };

class CallTwin {
public:
    virtual ~CallTwin() = default;
    virtual int parties() const = 0;
    virtual bool pending(int p) const = 0;
    virtual const std::vector<Handle>& handles() const = 0;
    virtual std::vector<int> live_handles(proto::Kind kind) const = 0;
    virtual Target target(int handle, bool by_index = false) const = 0;

    // One call by party p (idle).
    virtual void call(int p, const Target& t, KRequest req, Resolve resolve = Resolve::keep) = 0;
    // semget/msgget; the handle it names (new or existing), -1 on an error.
    virtual int get(int p, proto::Kind kind, int key, int nsems, int flags) = 0;
    virtual void kill_party(int p) = 0;              // its process exits; a new one replaces it
    virtual void lose_host(std::uint32_t host) = 0;  // every process of a host is gone
    // Compares a live structure in full, and every structure plus *_INFO.
    virtual void check_handle(int handle) = 0;
    virtual void check_all() = 0;
};

}  // namespace papers::dipc::enginetest
