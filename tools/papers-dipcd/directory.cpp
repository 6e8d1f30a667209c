#include "directory.hpp"

#include "proto/ids.hpp"

namespace papers::dipcd {

void Directory::reset(const proto::HostWelcome& w) {
    self_ = w.host;
    limits_ = w.limits;
    hosts_.clear();
    for (const auto& h : w.hosts) hosts_[h.host] = h;
    for (auto& t : table_) t.clear();
    for (const auto& e : w.table) add(e);
}

void Directory::host_up(const proto::HostEntry& h) {
    // A new incarnation under a known name replaces the old one.
    for (auto it = hosts_.begin(); it != hosts_.end();) {
        if (it->second.name == h.name && it->first != h.host) it = hosts_.erase(it);
        else ++it;
    }
    hosts_[h.host] = h;
}

void Directory::host_lost(std::uint32_t host) {
    hosts_.erase(host);
    for (auto& t : table_)
        for (auto it = t.begin(); it != t.end();) {
            if (it->second.owner == host) it = t.erase(it);
            else ++it;
        }
}

std::optional<proto::HostEntry> Directory::host(std::uint32_t id) const {
    auto it = hosts_.find(id);
    if (it == hosts_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::uint32_t> Directory::host_named(const std::string& name) const {
    for (const auto& [id, h] : hosts_)
        if (h.name == name) return id;
    return std::nullopt;
}

std::vector<std::uint32_t> Directory::hosts() const {
    std::vector<std::uint32_t> v;
    for (const auto& [id, h] : hosts_) v.push_back(id);
    return v;
}

void Directory::add(const proto::TableEntry& e) {
    if (static_cast<int>(e.kind) >= proto::kKinds || !proto::is_dipc_id(e.id)) return;
    table_[static_cast<int>(e.kind)][proto::slot_of(e.id)] = e;
}

void Directory::remove(proto::Kind kind, std::int32_t id) {
    if (static_cast<int>(kind) >= proto::kKinds || !proto::is_dipc_id(id)) return;
    auto& t = table_[static_cast<int>(kind)];
    auto it = t.find(proto::slot_of(id));
    if (it != t.end() && it->second.id == id) t.erase(it);
}

std::optional<proto::TableEntry> Directory::find(proto::Kind kind, std::int32_t id) const {
    if (static_cast<int>(kind) >= proto::kKinds || !proto::is_dipc_id(id)) return std::nullopt;
    const auto& t = table_[static_cast<int>(kind)];
    auto it = t.find(proto::slot_of(id));
    if (it == t.end() || it->second.id != id) return std::nullopt;
    return it->second;
}

std::optional<proto::TableEntry> Directory::at_index(proto::Kind kind, std::int32_t index) const {
    if (static_cast<int>(kind) >= proto::kKinds || !proto::is_dipc_index(index)) return std::nullopt;
    const auto& t = table_[static_cast<int>(kind)];
    auto it = t.find(index - proto::kFirstIndex);
    if (it == t.end()) return std::nullopt;
    return it->second;
}

proto::Usage Directory::usage(proto::Kind kind) const {
    proto::Usage u;
    for (const auto& [slot, e] : table_[static_cast<int>(kind)]) {
        ++u.structures;
        if (kind == proto::Kind::sem) u.items += e.size;
        if (kind == proto::Kind::shm) {
            u.items += (e.size + 4095) / 4096;  // pages (SHM_INFO's shm_tot)
            u.bytes += e.size;
        }
    }
    return u;
}

std::int32_t Directory::highest_index(proto::Kind kind) const {
    const auto& t = table_[static_cast<int>(kind)];
    if (t.empty()) return -1;
    return proto::kFirstIndex + t.rbegin()->first;
}

std::vector<proto::TableEntry> Directory::owned_by(std::uint32_t host) const {
    std::vector<proto::TableEntry> v;
    for (const auto& t : table_)
        for (const auto& [slot, e] : t)
            if (e.owner == host) v.push_back(e);
    return v;
}

}  // namespace papers::dipcd

namespace papers::dipcd {

std::vector<proto::TableEntry> Directory::owned_by_kind(proto::Kind kind) const {
    std::vector<proto::TableEntry> v;
    for (const auto& [slot, e] : table_[static_cast<int>(kind)]) v.push_back(e);
    return v;
}

}  // namespace papers::dipcd
