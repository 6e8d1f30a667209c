#include "engine_kernel_ns.hpp"

#include <linux/capability.h>
#include <sched.h>
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
    return write_ipc_sysctls(l);
}

std::string write_ipc_sysctls(const proto::Limits& l) {
    std::string sem = std::to_string(l.semmsl) + " " + std::to_string(l.semmns) + " " +
                      std::to_string(l.semopm) + " " + std::to_string(l.semmni);
    for (auto [path, value] : {std::pair<const char*, std::string>{"/proc/sys/kernel/sem", sem},
                               {"/proc/sys/kernel/msgmax", std::to_string(l.msgmax)},
                               {"/proc/sys/kernel/msgmnb", std::to_string(l.msgmnb)},
                               {"/proc/sys/kernel/msgmni", std::to_string(l.msgmni)}}) {
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
    return l;
}

}  // namespace papers::dipc::enginetest
