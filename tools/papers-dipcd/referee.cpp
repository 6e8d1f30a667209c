#include "referee.hpp"

#include <sys/ipc.h>

#include <algorithm>
#include <cerrno>

#include "owner/engine.hpp"
#include "proto/ids.hpp"

namespace papers::dipcd {

using proto::Kind;

Referee::Referee(const proto::Limits& limits) : limits_(limits) {}

std::uint32_t Referee::register_host(const proto::HostEntry& self) {
    proto::HostEntry e = self;
    e.host = next_host_++;
    // A daemon that comes back under the same name is a new incarnation:
    // the old one is lost (its structures were removed when it was).
    hosts_.erase(std::remove_if(hosts_.begin(), hosts_.end(),
                                [&](const proto::HostEntry& h) { return h.name == e.name; }),
                 hosts_.end());
    hosts_.push_back(e);
    return e.host;
}

std::optional<proto::HostEntry> Referee::host(std::uint32_t id) const {
    for (const auto& h : hosts_)
        if (h.host == id) return h;
    return std::nullopt;
}

proto::HostWelcome Referee::welcome(std::uint32_t host) const {
    proto::HostWelcome w;
    w.host = host;
    w.limits = limits_;
    w.hosts = hosts_;
    for (const auto& pk : kinds_)
        for (const auto& [slot, e] : pk.by_slot) w.table.push_back(e);
    return w;
}

std::uint64_t Referee::max_structures(Kind k) const {
    std::uint64_t n = k == Kind::sem ? limits_.semmni : k == Kind::msg ? limits_.msgmni : limits_.shmmni;
    return std::min<std::uint64_t>(n, proto::kSlots);
}

// Segments count in pages against SHMALL, as the kernel does.
std::uint64_t Referee::size_units(Kind k, std::uint64_t size) const {
    if (k == Kind::shm) return (size + 4095) / 4096;
    return k == Kind::sem ? size : 0;
}

std::optional<std::uint64_t> Referee::size_budget(Kind k) const {
    if (k == Kind::sem) return limits_.semmns;
    if (k == Kind::shm) return limits_.shmall;
    return std::nullopt;
}

Referee::Resolution Referee::resolve(std::uint32_t asking_host, const proto::KeyResolve& req) {
    Resolution r;
    PerKind& pk = kinds_[static_cast<int>(req.kind)];
    if (req.key != IPC_PRIVATE) {
        auto it = pk.slot_of_key.find(req.key);
        if (it != pk.slot_of_key.end()) {
            if ((req.flags & IPC_CREAT) && (req.flags & IPC_EXCL)) {
                r.reply.ret = -1;
                r.reply.err = EEXIST;
                return r;
            }
            const proto::TableEntry& e = pk.by_slot.at(it->second);
            r.reply.ret = e.id;
            r.reply.payload = proto::encode_payload(proto::Resolved{e.id, e.owner, false});
            return r;
        }
        if (!(req.flags & IPC_CREAT)) {
            r.reply.ret = -1;
            r.reply.err = ENOENT;
            return r;
        }
    }
    // A new structure: the creation's own checks (newary/newseg: nsems 0,
    // a size outside SHMMIN..SHMMAX -> EINVAL), then the size budget, then a
    // free slot, in the kernel's order.
    proto::GetReq as_get;
    as_get.kind = req.kind;
    as_get.key = req.key;
    as_get.flags = req.flags;
    as_get.size = req.size;
    if (int err = dipc::owner::Engine::validate_create(as_get, limits_)) {
        r.reply.ret = -1;
        r.reply.err = err;
        return r;
    }
    std::uint64_t units = size_units(req.kind, req.size);
    if (auto budget = size_budget(req.kind); budget && pk.used_size + units > *budget) {
        r.reply.ret = -1;
        r.reply.err = ENOSPC;
        return r;
    }
    std::int32_t slot = 0;
    for (const auto& [s, e] : pk.by_slot) {
        if (s != slot) break;
        ++slot;
    }
    if (static_cast<std::uint64_t>(slot) >= max_structures(req.kind)) {
        r.reply.ret = -1;
        r.reply.err = ENOSPC;
        return r;
    }
    proto::TableEntry e{req.kind, req.key, proto::make_id(slot, pk.next_seq), asking_host, req.size};
    pk.next_seq = pk.next_seq >= proto::kMaxSeq ? 0 : pk.next_seq + 1;
    pk.by_slot[slot] = e;
    if (req.key != IPC_PRIVATE) pk.slot_of_key[req.key] = slot;
    pk.used_size += units;
    r.reply.ret = e.id;
    r.reply.payload = proto::encode_payload(proto::Resolved{e.id, e.owner, true});
    r.added = e;
    return r;
}

void Referee::erase(PerKind& pk, std::int32_t slot) {
    auto it = pk.by_slot.find(slot);
    if (it == pk.by_slot.end()) return;
    if (it->second.key != IPC_PRIVATE) {
        auto k = pk.slot_of_key.find(it->second.key);
        if (k != pk.slot_of_key.end() && k->second == slot) pk.slot_of_key.erase(k);
    }
    pk.used_size -= size_units(it->second.kind, it->second.size);
    pk.by_slot.erase(it);
}

std::optional<proto::TableRef> Referee::removed(std::uint32_t owner, const proto::TableRef& ref) {
    if (static_cast<int>(ref.kind) >= proto::kKinds || !proto::is_dipc_id(ref.id)) return std::nullopt;
    PerKind& pk = kinds_[static_cast<int>(ref.kind)];
    auto it = pk.by_slot.find(proto::slot_of(ref.id));
    if (it == pk.by_slot.end() || it->second.id != ref.id || it->second.owner != owner)
        return std::nullopt;
    erase(pk, it->first);
    return ref;
}

std::optional<proto::TableEntry> Referee::key_released(std::uint32_t owner, const proto::TableRef& ref) {
    if (static_cast<int>(ref.kind) >= proto::kKinds || !proto::is_dipc_id(ref.id)) return std::nullopt;
    PerKind& pk = kinds_[static_cast<int>(ref.kind)];
    auto it = pk.by_slot.find(proto::slot_of(ref.id));
    if (it == pk.by_slot.end() || it->second.id != ref.id || it->second.owner != owner) return std::nullopt;
    if (it->second.key != IPC_PRIVATE) {
        auto k = pk.slot_of_key.find(it->second.key);
        if (k != pk.slot_of_key.end() && k->second == it->first) pk.slot_of_key.erase(k);
        it->second.key = IPC_PRIVATE;
    }
    return it->second;
}

std::vector<proto::TableRef> Referee::host_lost(std::uint32_t host) {
    std::vector<proto::TableRef> gone;
    for (auto& pk : kinds_) {
        std::vector<std::int32_t> slots;
        for (const auto& [s, e] : pk.by_slot)
            if (e.owner == host) {
                slots.push_back(s);
                gone.push_back({e.kind, e.id});
            }
        for (auto s : slots) erase(pk, s);
    }
    hosts_.erase(std::remove_if(hosts_.begin(), hosts_.end(),
                                [&](const proto::HostEntry& h) { return h.host == host; }),
                 hosts_.end());
    return gone;
}

std::optional<proto::TableEntry> Referee::lookup(Kind kind, std::int32_t id) const {
    if (static_cast<int>(kind) >= proto::kKinds || !proto::is_dipc_id(id)) return std::nullopt;
    const PerKind& pk = kinds_[static_cast<int>(kind)];
    auto it = pk.by_slot.find(proto::slot_of(id));
    if (it == pk.by_slot.end() || it->second.id != id) return std::nullopt;
    return it->second;
}

}  // namespace papers::dipcd
