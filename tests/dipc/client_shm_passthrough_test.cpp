// The preloaded library (not the static one the other tests link) with a
// distributed segment: the probe's --shm-smoke attaches one from the fake
// daemon, stores into it and read(2)s into it, so the SIGSEGV handler, the
// service connection and the read wrapper all run from libpapers_dipc.so
// behind an unmodified program. (Without a daemon, the probe's shm script
// is part of the pass-through comparison in client_passthrough_test.cpp.)
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "client_dsm_fake_daemon.hpp"
#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

struct ProbeOutput {
    int status = -1;
    std::string out;
};

ProbeOutput run_preloaded_probe(const std::string& socket) {
    int out[2];
    if (pipe(out) != 0) return {};
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        setenv("LD_PRELOAD", DIPC_PRELOAD_PATH, 1);
        setenv("PAPERS_DIPC_SOCKET", socket.c_str(), 1);
        unsetenv("PAPERS_DIPC_KEYS");
        execl(DIPC_PROBE_PATH, DIPC_PROBE_PATH, "--shm-smoke", static_cast<char*>(nullptr));
        _exit(121);
    }
    close(out[1]);
    ProbeOutput r;
    char buf[4096];
    ssize_t k;
    while ((k = read(out[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<std::size_t>(k));
    close(out[0]);
    waitpid(pid, &r.status, 0);
    return r;
}

}  // namespace

TEST(ClientShmPreloaded, AnUnmodifiedProgramUsesADistributedSegment) {
    FakeShmDaemon fake;
    const int id = proto::make_id(6, 1);
    std::uint8_t* host = fake.add_segment(id, 8192);
    fake.on_request([id](const Request& r) {
        if (r.op == proto::Op::get) return Action::answer(ok_reply(id));
        return Action::standard();
    });
    ProbeOutput run = run_preloaded_probe(fake.path());
    ASSERT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.status << "\n" << run.out;
    EXPECT_NE(run.out.find("stored                             ret=0 errno=- preloaded"), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("read into page 0                   ret=9 errno=- via read"), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("shmdt                              ret=0 errno=-"), std::string::npos) << run.out;
    EXPECT_EQ(std::string(reinterpret_cast<char*>(host + 4096)), "preloaded");
    EXPECT_EQ(std::string(reinterpret_cast<char*>(host)), "via read");
    std::vector<std::pair<std::uint64_t, bool>> faults;
    for (const Request& r : fake.requests(proto::Op::fault))
        faults.push_back({r.as<proto::FaultReq>().unit, r.as<proto::FaultReq>().write});
    EXPECT_EQ(faults, (std::vector<std::pair<std::uint64_t, bool>>{{1, true}, {0, true}}));
    EXPECT_EQ(fake.requests(proto::Op::shmdt).size(), 1u);
    bool service = false;
    for (auto& c : fake.connections()) service |= c.role == 1 && c.pid != getpid();
    EXPECT_TRUE(service);
}
