#include "process_table.hpp"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace papers::dipcd {

std::uint64_t process_start_time(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    if (!std::getline(in, s)) return 0;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    auto close = s.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    // Field 3 is the first after ')'; start time is field 22.
    for (int i = 3; i <= 22; ++i)
        if (!(rest >> field)) return 0;
    return std::strtoull(field.c_str(), nullptr, 10);
}

std::optional<proto::Caller> peer_caller(int fd, std::uint32_t host, std::string& why) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        why = std::string("SO_PEERCRED: ") + std::strerror(errno);
        return std::nullopt;
    }
    proto::Caller c;
    c.host = host;
    c.pid = cred.pid;
    c.euid = cred.uid;  // SO_PEERCRED reports the effective ids at connect time
    c.egid = cred.gid;
    gid_t groups[256];
    len = sizeof groups;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
        c.groups.assign(groups, groups + len / sizeof(gid_t));
    } else if (errno == ERANGE) {
        std::vector<gid_t> big(len / sizeof(gid_t) + 1);
        len = static_cast<socklen_t>(big.size() * sizeof(gid_t));
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, big.data(), &len) == 0)
            c.groups.assign(big.begin(), big.begin() + len / sizeof(gid_t));
    }
    c.start_time = process_start_time(cred.pid);
    if (c.start_time == 0) {
        why = "process " + std::to_string(cred.pid) + " is gone";
        return std::nullopt;
    }
    return c;
}

bool ProcessTable::seen(const proto::Caller& who) {
    Key k{who.pid, who.start_time};
    if (procs_.count(k)) return true;
    int fd = static_cast<int>(syscall(SYS_pidfd_open, who.pid, 0));
    if (fd < 0) return false;  // exited already
    // The pid may have been reused between SO_PEERCRED and pidfd_open.
    if (process_start_time(who.pid) != who.start_time) {
        ::close(fd);
        return false;
    }
    Proc p;
    p.who = who;
    p.pidfd = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd);
    procs_.emplace(k, std::move(p));
    watch(k);
    return true;
}

void ProcessTable::used(const proto::Caller& who, std::uint32_t host) {
    auto it = procs_.find(Key{who.pid, who.start_time});
    if (it != procs_.end()) it->second.hosts.insert(host);
}

void ProcessTable::watch(const Key& k) {
    auto& sd = *procs_.at(k).pidfd;
    // A pidfd becomes readable when the process exits (not on exec).
    sd.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this, k](boost::system::error_code ec) {
        if (ec == boost::asio::error::operation_aborted) return;
        auto it = procs_.find(k);
        if (it == procs_.end()) return;
        Proc p = std::move(it->second);
        procs_.erase(it);
        on_gone_(p.who, p.hosts);
    });
}

}  // namespace papers::dipcd
