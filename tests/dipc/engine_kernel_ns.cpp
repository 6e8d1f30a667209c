#include "engine_kernel_ns.hpp"

#include <linux/capability.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace papers::dipc::enginetest {

namespace {
std::string write_sysctl(const char* path, const std::string& value) {
    std::ofstream f(path);
    f << value;
    f.close();
    if (!f) return std::string("cannot write ") + path;
    std::ifstream back(path);
    std::string got, want = value, word;
    while (back >> word) got += (got.empty() ? "" : " ") + word;
    if (got != want) return std::string(path) + " reads '" + got + "', wanted '" + want + "'";
    return {};
}
}  // namespace

bool has_capability(int cap) {
    std::ifstream f("/proc/self/status");
    std::string key;
    while (f >> key) {
        if (key != "CapEff:") continue;
        std::string hex;
        f >> hex;
        return (std::stoull(hex, nullptr, 16) >> cap) & 1;
    }
    return false;
}

std::string enter_private_ipc_namespace(const proto::Limits& l) {
    if (geteuid() != 0) return "needs root (unshare(CLONE_NEWIPC), setresuid)";
    if (!has_capability(CAP_IPC_OWNER) || !has_capability(CAP_SYS_ADMIN))
        return "root lacks CAP_IPC_OWNER or CAP_SYS_ADMIN here: the kernel would not treat euid 0 as privileged";
    if (unshare(CLONE_NEWIPC) != 0) return std::string("unshare(CLONE_NEWIPC): ") + strerror(errno);
    if (std::string e = write_ipc_sysctls(l); !e.empty()) return e;
    // SHM_LOCK by a non-root owner is refused (EPERM, ENOMEM) by an
    // RLIMIT_MEMLOCK that cannot hold every segment SHMALL allows, which
    // the engine does not model (it locks nothing). Raising the hard limit
    // needs CAP_SYS_RESOURCE, so only the soft one is raised.
    struct rlimit lim;
    getrlimit(RLIMIT_MEMLOCK, &lim);
    const rlim_t need = static_cast<rlim_t>(l.shmall) * 4096;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_MEMLOCK, &lim);
    }
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need)
        return "RLIMIT_MEMLOCK is below SHMALL's " + std::to_string(need) + " bytes: SHM_LOCK would fail where the engine succeeds";
    return {};
}

std::string write_ipc_sysctls(const proto::Limits& l) {
    std::string sem = std::to_string(l.semmsl) + " " + std::to_string(l.semmns) + " " +
                      std::to_string(l.semopm) + " " + std::to_string(l.semmni);
    for (auto [path, value] : {std::pair<const char*, std::string>{"/proc/sys/kernel/sem", sem},
                               {"/proc/sys/kernel/msgmax", std::to_string(l.msgmax)},
                               {"/proc/sys/kernel/msgmnb", std::to_string(l.msgmnb)},
                               {"/proc/sys/kernel/msgmni", std::to_string(l.msgmni)},
                               {"/proc/sys/kernel/shmmax", std::to_string(l.shmmax)},
                               {"/proc/sys/kernel/shmall", std::to_string(l.shmall)},
                               {"/proc/sys/kernel/shmmni", std::to_string(l.shmmni)},
                               {"/proc/sys/kernel/shm_rmid_forced", "0"}}) {
        if (std::string e = write_sysctl(path, value); !e.empty()) return e;
    }
    return {};
}

proto::Limits test_limits() {
    proto::Limits l;
    l.semmsl = 8;
    l.semopm = 6;
    l.semmni = 768;
    l.msgmax = 64;
    l.msgmnb = 256;
    l.msgmni = 768;
    l.shmmax = 256 * 1024;  // shmget sizes above it: EINVAL
    l.shmall = 100;         // pages (400 KiB): a few large segments reach ENOSPC
    l.shmmni = 768;
    return l;
}

}  // namespace papers::dipc::enginetest
