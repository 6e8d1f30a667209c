// layerdiff_agent — a host process of the full-layer differential test
// (layerdiff_test.cpp), started on a host of the DIPC test cluster:
//
//   layerdiff_agent sysctls SEMMSL SEMMNS SEMOPM SEMMNI MSGMAX MSGMNB MSGMNI [SHMMAX SHMALL SHMMNI]
//       sets the host's IPC namespace limits to the cluster's (as root)
//   layerdiff_agent actor SOCKET ROLE PARTY GENERATION UID GID [GROUP...]
//       takes the credentials, connects to the driver's SOCKET and makes
//       every call it is sent: ROLE kernel through raw syscalls, dipc and
//       creator through the C library's functions (libpapers_dipc when
//       preloaded). SIGUSR1 interrupts a blocked call (no SA_RESTART).
//       Shared memory calls: layerdiff_shm_calls.hpp.
//   layerdiff_agent resume FD ROLE
//       what an actor executes for KCall::exec: goes on serving the driver
//       on FD, its first answer the exec's
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine_call.hpp"
#include "engine_kernel_ns.hpp"
#include "layerdiff_shm_calls.hpp"
#include "layerdiff_wire.hpp"

using namespace papers::dipc;
using namespace papers::dipc::enginetest;
using papers::dipc::layerdiff::AgentHello;
using papers::dipc::layerdiff::Role;
using papers::dipc::layerdiff::check_address_region;
using papers::dipc::layerdiff::install_fault_catcher;
using papers::dipc::layerdiff::run_shm_call;

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: layerdiff_agent sysctls SEMMSL SEMMNS SEMOPM SEMMNI MSGMAX MSGMNB MSGMNI "
                 "[SHMMAX SHMALL SHMMNI]\n"
                 "       layerdiff_agent resume FD ROLE\n"
                 "       layerdiff_agent actor SOCKET kernel|dipc|creator PARTY GENERATION UID GID [GROUP...]\n");
    return 2;
}

std::uint32_t number(const char* s) { return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 0)); }

int sysctls(int argc, char** argv) {
    if (argc != 9 && argc != 12) return usage();
    proto::Limits l;
    l.semmsl = number(argv[2]);
    l.semmns = number(argv[3]);
    l.semopm = number(argv[4]);
    l.semmni = number(argv[5]);
    l.msgmax = number(argv[6]);
    l.msgmnb = number(argv[7]);
    l.msgmni = number(argv[8]);
    if (argc == 12) {
        l.shmmax = std::strtoull(argv[9], nullptr, 0);
        l.shmall = std::strtoull(argv[10], nullptr, 0);
        l.shmmni = std::strtoull(argv[11], nullptr, 0);
    }
    std::string why = write_ipc_sysctls(l);
    if (!why.empty()) {
        std::fprintf(stderr, "layerdiff_agent: %s\n", why.c_str());
        return 1;
    }
    return 0;
}

void on_signal(int) {}

void install_handlers() {
    struct sigaction sa = {};
    sa.sa_handler = on_signal;  // no SA_RESTART: SysV calls never restart anyway
    sigaction(SIGUSR1, &sa, nullptr);
    signal(SIGCHLD, SIG_IGN);  // forked children (shm) are reaped by the kernel
    install_fault_catcher();
}

int serve(int fd, Role role, const KResult* first);

int connect_driver(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return -1;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int actor(int argc, char** argv) {
    if (argc < 8) return usage();
    const std::string socket_path = argv[2], role_name = argv[3];
    AgentHello hello;
    if (role_name == "kernel") hello.role = Role::kernel;
    else if (role_name == "dipc") hello.role = Role::dipc;
    else if (role_name == "creator") hello.role = Role::creator;
    else return usage();
    hello.party = static_cast<int>(number(argv[4]));
    hello.generation = static_cast<int>(number(argv[5]));
    hello.pid = getpid();
    const uid_t uid = number(argv[6]);
    const gid_t gid = number(argv[7]);
    std::vector<gid_t> groups;
    for (int i = 8; i < argc; ++i) groups.push_back(number(argv[i]));

    install_handlers();
    if (std::string why = check_address_region(); !why.empty()) {
        std::fprintf(stderr, "layerdiff_agent: %s\n", why.c_str());
        return 1;
    }
    if (setgroups(groups.size(), groups.data()) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
        std::fprintf(stderr, "layerdiff_agent: cannot take uid %u gid %u: %s\n", uid, gid, std::strerror(errno));
        return 1;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // the credential change cleared it
    const int fd = connect_driver(socket_path);
    if (fd < 0) {
        std::fprintf(stderr, "layerdiff_agent: cannot connect to %s: %s\n", socket_path.c_str(), std::strerror(errno));
        return 1;
    }
    const SysvApi& api = hello.role == Role::kernel ? kernel_sysv() : libc_sysv();
    if (hello.role != Role::kernel) {
        // The connection to the daemon now, as these credentials (SO_PEERCRED
        // at connect), so that a call's wait is only ever its reply's.
        struct seminfo info;
        SemArg arg;
        arg.info = &info;
        if (api.semctl(0, 0, IPC_INFO, arg) < 0) {
            std::fprintf(stderr, "layerdiff_agent: the DIPC layer does not answer: %s\n", std::strerror(errno));
            return 1;
        }
    }
    if (send(fd, &hello, sizeof hello, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof hello)) return 1;
    return serve(fd, hello.role, nullptr);
}

// Executes this program again, to serve on as `resume` (the connection
// kept open); returns only if it cannot.
void exec_self(int fd, Role role, KResult& r) {
    std::string fd_arg = std::to_string(fd), role_arg = std::to_string(static_cast<int>(role));
    int flags = fcntl(fd, F_GETFD);
    fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    char* args[] = {const_cast<char*>("layerdiff_agent"), const_cast<char*>("resume"), fd_arg.data(), role_arg.data(),
                    nullptr};
    execv("/proc/self/exe", args);
    r.ret = -1;
    r.err = errno;
    fcntl(fd, F_SETFD, flags);
}

int serve(int fd, Role role, const KResult* first) {
    const SysvApi& api = role == Role::kernel ? kernel_sysv() : libc_sysv();
    auto q = std::make_unique<KRequest>();
    auto r = std::make_unique<KResult>();
    if (first && send(fd, first, sizeof *first, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof *first)) return 0;
    for (;;) {
        ssize_t n = recv(fd, q.get(), sizeof *q, 0);
        if (n < 0 && errno == EINTR) continue;  // a late signal while idle
        if (n != static_cast<ssize_t>(sizeof *q)) return 0;  // the driver is done
        *r = KResult{};
        if (q->call == KCall::exec)
            exec_self(fd, role, *r);
        else if (q->call >= KCall::shmget)
            run_shm_call(role == Role::kernel, *q, *r, fd);
        else
            run_call(api, *q, *r);
        if (send(fd, r.get(), sizeof *r, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof *r)) return 0;
    }
}

int resume(int argc, char** argv) {
    if (argc != 4) return usage();
    install_handlers();
    KResult done;  // the exec's answer: it worked
    return serve(static_cast<int>(number(argv[2])), static_cast<Role>(number(argv[3])), &done);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string what = argv[1];
    if (what == "sysctls") return sysctls(argc, argv);
    if (what == "actor") return actor(argc, argv);
    if (what == "resume") return resume(argc, argv);
    return usage();
}
