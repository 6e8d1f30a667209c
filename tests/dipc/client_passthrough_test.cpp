// With no daemon configured the interposer is invisible: the probe's whole
// sequence of sem/msg calls (flags with IPC_DIPC, *_INFO, errors, bad
// pointers included) prints the same with LD_PRELOAD=libpapers_dipc.so as
// without it, each run in a fresh IPC namespace. And the preloaded library
// does reach a daemon when one is configured (--smoke against the fake).
#include <fcntl.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

struct ProbeRun {
    int status = -1;
    std::string marker;  // the probe's "# semget from ..." line
    std::string output;  // everything else
};

// Runs the probe in a child: its own IPC namespace and an empty /run
// (nothing at the default socket path), only the given DIPC variables.
ProbeRun run_probe(bool preload, const char* socket, const char* mode = nullptr) {
    int out[2];
    if (pipe(out) != 0) return {};
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        if (unshare(CLONE_NEWIPC | CLONE_NEWNS) != 0 || mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") != 0) _exit(120);
        unsetenv("PAPERS_DIPC_SOCKET");
        unsetenv("PAPERS_DIPC_KEYS");
        unsetenv("LD_PRELOAD");
        if (preload) setenv("LD_PRELOAD", DIPC_PRELOAD_PATH, 1);
        if (socket) setenv("PAPERS_DIPC_SOCKET", socket, 1);
        execl(DIPC_PROBE_PATH, DIPC_PROBE_PATH, mode, static_cast<char*>(nullptr));
        _exit(121);
    }
    close(out[1]);
    std::string all;
    char buf[4096];
    ssize_t k;
    while ((k = read(out[0], buf, sizeof buf)) > 0) all.append(buf, static_cast<std::size_t>(k));
    close(out[0]);
    ProbeRun r;
    waitpid(pid, &r.status, 0);
    std::istringstream lines(all);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line[0] == '#') r.marker = line;
        else r.output += line + "\n";
    }
    return r;
}

}  // namespace

TEST(ClientPassthrough, PreloadedWithoutDaemonIsExactlyTheKernel) {
    if (!private_namespaces()) GTEST_SKIP() << "needs root (IPC namespaces)";
    ProbeRun plain = run_probe(false, nullptr);
    ProbeRun preloaded = run_probe(true, nullptr);
    ASSERT_EQ(plain.status, 0);
    ASSERT_EQ(preloaded.status, 0);
    EXPECT_NE(plain.marker.find("libc.so"), std::string::npos) << plain.marker;
    EXPECT_NE(preloaded.marker.find("libpapers_dipc.so"), std::string::npos) << preloaded.marker;
    EXPECT_GT(plain.output.size(), 2000u);  // the whole script ran
    EXPECT_EQ(preloaded.output, plain.output);
    // The script met the errors it meant to (so the comparison covers them).
    for (const char* e : {"EEXIST", "EINVAL", "ERANGE", "EAGAIN", "E2BIG", "EFAULT", "EFBIG", "ENOENT", "ENOMSG"}) {
        EXPECT_NE(plain.output.find(std::string("errno=") + e), std::string::npos) << e;
    }
}

TEST(ClientPassthrough, PreloadedLibraryReachesAConfiguredDaemon) {
    if (!private_namespaces()) GTEST_SKIP() << "needs root (IPC namespaces)";
    FakeDaemon fake;
    fake.on_request([](const Request& r) {
        switch (r.op) {
            case proto::Op::get: return ok_reply(proto::make_id(2, 3));
            case proto::Op::semctl: return ok_reply(4);
            default: return ok_reply(0);
        }
    });
    ProbeRun run = run_probe(true, fake.path().c_str(), "--smoke");
    ASSERT_EQ(run.status, 0);
    std::ostringstream id;
    id << "ret=" << proto::make_id(2, 3) << " ";
    EXPECT_NE(run.output.find(id.str()), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("GETVAL                             ret=4 "), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("semget local is kernel             ret=1 "), std::string::npos) << run.output;
    // The probe's constructor (before main) already reached the daemon.
    auto reqs = fake.requests();
    std::vector<proto::Op> ops;
    for (const Request& r : reqs) ops.push_back(r.op);
    EXPECT_EQ(ops, (std::vector<proto::Op>{proto::Op::get, proto::Op::semctl, proto::Op::get, proto::Op::semctl,
                                           proto::Op::semop}));
    ASSERT_EQ(reqs.size(), 5u);
    EXPECT_EQ(reqs[1].as<proto::SemctlReq>().cmd, IPC_RMID);
    EXPECT_EQ(reqs[2].as<proto::GetReq>().flags, IPC_CREAT | 0600);
    EXPECT_EQ(reqs[2].as<proto::GetReq>().key, 0x1234);
    EXPECT_NE(reqs[0].pid, getpid());  // the probe's own connection
}
