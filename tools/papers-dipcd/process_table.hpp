// process_table.hpp — the local processes that use the layer, and their end.
//
// A process is known from its first connection to the local socket
// (SO_PEERCRED gives its pid and effective ids, SO_PEERGROUPS its groups).
// Its exit is learned from a pidfd, not from closed sockets: exec closes
// the sockets but the process, and its SEM_UNDO list, live on. /proc's
// start time tells a reused pid from the process that had it before.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "proto/messages.hpp"

namespace papers::dipcd {

// Reads a connected Unix socket's peer: pid, euid, egid, groups, start time.
// nullopt (with `why`) if the kernel does not tell or the process is gone.
std::optional<proto::Caller> peer_caller(int fd, std::uint32_t host, std::string& why);
// Field 22 of /proc/PID/stat (clock ticks since boot); 0 if unreadable.
std::uint64_t process_start_time(pid_t pid);

class ProcessTable {
public:
    using Gone = std::function<void(const proto::Caller& who, const std::set<std::uint32_t>& hosts_used)>;
    ProcessTable(boost::asio::io_context& io, Gone on_gone) : io_(io), on_gone_(std::move(on_gone)) {}

    // A connection from `who`: starts watching the process if new. False if
    // the process is already gone (its connection should be dropped).
    bool seen(const proto::Caller& who);
    // `who` sent a call to `host`: it gets process_gone when `who` ends.
    void used(const proto::Caller& who, std::uint32_t host);
    std::size_t size() const { return procs_.size(); }

private:
    struct Key {
        pid_t pid;
        std::uint64_t start;
        bool operator<(const Key& o) const { return pid != o.pid ? pid < o.pid : start < o.start; }
    };
    struct Proc {
        proto::Caller who;
        std::unique_ptr<boost::asio::posix::stream_descriptor> pidfd;
        std::set<std::uint32_t> hosts;
    };
    void watch(const Key& k);
    boost::asio::io_context& io_;
    Gone on_gone_;
    std::map<Key, Proc> procs_;
};

}  // namespace papers::dipcd
