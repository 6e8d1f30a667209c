// owner_service.hpp — runs calls on the structures this host owns.
//
// Calls arrive from local processes (through the router) and from other
// daemons (forward frames); both end here with a Caller, the op and its
// encoded request. The engine (owner/) executes them; a call that blocks is
// remembered under its origin (a local session or a link) and request id,
// so that a cancel can find it and, when the origin disappears, everything
// it still had pending is cancelled (never completed behind its back).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "log.hpp"
#include "owner/engine.hpp"
#include "proto/messages.hpp"

namespace papers::dipcd {

class OwnerService {
public:
    using Respond = std::function<void(proto::Reply)>;
    struct CallKey {
        std::uint64_t origin = 0;   // a session or a link (distinct number spaces, see daemon.cpp)
        std::uint64_t request = 0;
        bool operator<(const CallKey& o) const {
            return origin != o.origin ? origin < o.origin : request < o.request;
        }
    };
    OwnerService(dipc::owner::Engine& engine, Log& log) : engine_(engine), log_(log) {}

    // Executes `op` with its encoded request for `caller`; `respond` is
    // called exactly once (now or when the call completes).
    void execute(const proto::Caller& caller, proto::Op op, const std::uint8_t* body, std::size_t n,
                 CallKey key, Respond respond);
    void cancel(CallKey key);
    void origin_gone(std::uint64_t origin);

    // Creations this host asked the referee for and has not heard back on:
    // a call for an unknown id waits for them (the id may be one of them).
    void creation_started() { ++creating_; }
    void creation_finished();

    // Called when a call removed a structure (IPC_RMID); the call's reply is
    // held until `then` runs, so that once the caller hears "removed" the
    // referee has freed the key (a semget right after an IPC_RMID creates a
    // new set, as with the kernel). The engine's on_removed feeds it.
    // `key_only`: IPC_RMID of a segment still attached (its key is free, its id lives on).
    std::function<void(proto::Kind, std::int32_t id, bool key_only, std::function<void()> then)> removal_hook;
    void removed(proto::Kind kind, std::int32_t id, bool key_only = false) {
        just_removed_.push_back({kind, id, key_only});
    }

private:
    bool known(proto::Op op, const std::uint8_t* body, std::size_t n) const;
    void run(const proto::Caller& caller, proto::Op op, const std::uint8_t* body, std::size_t n, CallKey key,
             Respond respond);
    dipc::owner::Engine& engine_;
    Log& log_;
    std::uint64_t next_call_ = 1;
    std::map<CallKey, dipc::owner::CallId> pending_;
    std::map<dipc::owner::CallId, CallKey> keys_;
    int creating_ = 0;
    struct Removal {
        proto::Kind kind;
        std::int32_t id;
        bool key_only;
    };
    std::vector<Removal> just_removed_;
    struct Parked {
        proto::Caller caller;
        proto::Op op;
        std::vector<std::uint8_t> body;
        CallKey key;
        Respond respond;
    };
    std::vector<Parked> parked_;
};

}  // namespace papers::dipcd
