// referee.hpp — the cluster's name server (docs/dipc-design.md, decision 9).
//
// Pure state, no I/O: the daemon that serves the referee feeds it requests
// and broadcasts what it returns. It owns the key table (which key names
// which id, and which host owns it), allocates ids in the layer's id range
// (proto/ids.hpp) the way the kernel allocates indices (lowest free slot, a
// sequence number per creation), and accounts SEMMNS / SHMALL / *MNI.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipcd {

class Referee {
public:
    explicit Referee(const proto::Limits& limits);

    // A daemon (re)joins: a new incarnation always gets a new host id, so
    // structures of a fenced incarnation can never be confused with the new.
    std::uint32_t register_host(const proto::HostEntry& self);
    proto::HostWelcome welcome(std::uint32_t host) const;
    const std::vector<proto::HostEntry>& hosts() const { return hosts_; }
    std::optional<proto::HostEntry> host(std::uint32_t id) const;

    struct Resolution {
        proto::Reply reply;                      // err, or payload Resolved
        std::optional<proto::TableEntry> added;  // to broadcast when created
    };
    // semget/msgget/shmget by key, as the kernel's ipcget: ENOENT without
    // IPC_CREAT, EEXIST with IPC_CREAT|IPC_EXCL, ENOSPC past the limits.
    Resolution resolve(std::uint32_t asking_host, const proto::KeyResolve& req);

    // The owner removed a structure (IPC_RMID). Returns the entry to
    // broadcast, or nothing if it was not the owner's.
    std::optional<proto::TableRef> removed(std::uint32_t owner, const proto::TableRef& ref);

    // The owner removed a segment that is still attached (IPC_RMID): its key
    // is free at once (the entry now has key IPC_PRIVATE), its id stays.
    std::optional<proto::TableEntry> key_released(std::uint32_t owner, const proto::TableRef& ref);

    // A host is gone: its structures are removed. Returns what was removed.
    std::vector<proto::TableRef> host_lost(std::uint32_t host);

    std::optional<proto::TableEntry> lookup(proto::Kind kind, std::int32_t id) const;

private:
    struct PerKind {
        std::map<std::int32_t, proto::TableEntry> by_slot;  // live structures by slot
        std::map<std::int32_t, std::int32_t> slot_of_key;   // key -> slot (not IPC_PRIVATE)
        std::int32_t next_seq = 0;
        std::uint64_t used_size = 0;  // sems (SEMMNS) or pages (SHMALL)
    };
    std::uint64_t max_structures(proto::Kind) const;
    std::uint64_t size_units(proto::Kind, std::uint64_t size) const;
    std::optional<std::uint64_t> size_budget(proto::Kind) const;
    void erase(PerKind& pk, std::int32_t slot);

    proto::Limits limits_;
    std::array<PerKind, proto::kKinds> kinds_;
    std::vector<proto::HostEntry> hosts_;  // live incarnations
    std::uint32_t next_host_ = 1;
};

}  // namespace papers::dipcd
