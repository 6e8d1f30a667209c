// directory.hpp — every daemon's copy of the referee's tables: which hosts
// are in the cluster and where their daemons listen, and which host owns
// each distributed structure. Kept current by the referee's broadcasts
// (host_up, host_lost, table_add, table_remove), so any id can be routed
// without asking; when something is not found, the daemon first syncs with
// the referee (proto::Op::sync) and looks again.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipcd {

class Directory {
public:
    void reset(const proto::HostWelcome& w);  // registration: everything at once
    std::uint32_t self() const { return self_; }
    const proto::Limits& limits() const { return limits_; }

    void host_up(const proto::HostEntry& h);
    void host_lost(std::uint32_t host);  // its structures go too
    std::optional<proto::HostEntry> host(std::uint32_t id) const;
    std::optional<std::uint32_t> host_named(const std::string& name) const;
    std::vector<std::uint32_t> hosts() const;

    void add(const proto::TableEntry& e);
    void remove(proto::Kind kind, std::int32_t id);
    std::optional<proto::TableEntry> find(proto::Kind kind, std::int32_t id) const;
    // *_STAT by index: the structure at kernel-style index (32000 + slot).
    std::optional<proto::TableEntry> at_index(proto::Kind kind, std::int32_t index) const;
    // Usage from the table alone: structures and their sizes; highest index.
    proto::Usage usage(proto::Kind kind) const;
    std::int32_t highest_index(proto::Kind kind) const;  // -1 when none
    std::vector<proto::TableEntry> owned_by(std::uint32_t host) const;
    std::vector<proto::TableEntry> owned_by_kind(proto::Kind kind) const;

private:
    std::uint32_t self_ = 0;
    proto::Limits limits_;
    std::map<std::uint32_t, proto::HostEntry> hosts_;
    std::map<std::int32_t, proto::TableEntry> table_[proto::kKinds];  // by slot
};

}  // namespace papers::dipcd
