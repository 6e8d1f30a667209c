// A unit that cannot be had (docs/dipc-design.md, "Failure"): lost with its
// host (EIO), the segment lost with its home (EIDRM), a holder that did not
// release it in time (ETIMEDOUT), the daemon gone (ENOLINK): the access
// raises SIGBUS as the kernel does for a bad mapping — the program's
// SIGBUS handler gets BUS_ADRERR and the address, without one the process
// dies of SIGBUS — with one line on stderr naming the segment, the page and
// the reason. Other pages keep working. Each test in a child process.
#include <setjmp.h>
#include <signal.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cstring>

#include "client_dsm_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

int count_lines_with(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Faults on `bad_unit` are answered with `err`, the rest granted.
void fail_unit(FakeShmDaemon& fake, std::uint64_t bad_unit, int err) {
    fake.on_request([bad_unit, err](const Request& r) {
        if (r.op == proto::Op::fault && r.as<proto::FaultReq>().unit == bad_unit) return Action::answer(err_reply(err));
        return Action::standard();
    });
}

sigjmp_buf g_jump;
void* volatile g_bus_addr = nullptr;
volatile int g_bus_code = 0;
volatile int g_bus_calls = 0;

void on_sigbus(int, siginfo_t* si, void*) {
    g_bus_addr = si->si_addr;
    g_bus_code = si->si_code;
    g_bus_calls = g_bus_calls + 1;
    siglongjmp(g_jump, 1);
}

bool store_raises_sigbus(std::uint8_t* at) {
    if (sigsetjmp(g_jump, 1) == 0) {
        store(at, 1);
        return false;
    }
    return true;
}

// Dies of SIGBUS on a load of page 2 answered with err; returns stderr.
std::string death_line(int err) {
    ChildOutcome out = run_in_child([err] {
        DsmEnv env;
        fail_unit(env.fake, 2, err);
        std::uint8_t* p = env.attach(4 * 4096);
        load(p);
        load(p + 2 * 4096 + 5);
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGBUS)) << describe_status(out.status) << "\n" << out.err;
    return out.err;
}

}  // namespace

TEST(ClientDsmFailure, LostUnitKillsWithSigbusAndSaysWhy) {
    std::string err = death_line(EIO);
    std::string id = std::to_string(DsmEnv::kShmid);
    EXPECT_EQ(count_lines_with(err, "papers-dipc: SIGBUS"), 1) << err;
    EXPECT_NE(err.find("page 2 of shared memory segment " + id + " was lost with the host"), std::string::npos)
        << err;
}

TEST(ClientDsmFailure, EveryReasonHasItsLine) {
    std::string id = std::to_string(DsmEnv::kShmid);
    EXPECT_NE(death_line(EIDRM).find("segment " + id + " is gone: the segment was lost with its home host"),
              std::string::npos);
    EXPECT_NE(death_line(ETIMEDOUT).find("did not release it in time"), std::string::npos);
    EXPECT_NE(death_line(EPERM).find("could not be fetched: EPERM"), std::string::npos);
    EXPECT_NE(death_line(ENOLINK).find("the DIPC daemon cannot reach the segment's home"), std::string::npos);
}

TEST(ClientDsmFailure, ProgramsSigbusHandlerGetsTheAddressAndOtherPagesWork) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        fail_unit(env.fake, 1, EIO);
        std::uint8_t* p = env.attach(3 * 4096);
        struct sigaction sa {};
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGBUS, &sa, nullptr);
        for (int i = 0; i < 2; ++i) {
            EXPECT_TRUE(store_raises_sigbus(p + 4096 + 123)) << i;
            EXPECT_EQ(g_bus_addr, p + 4096 + 123);
            EXPECT_EQ(g_bus_code, BUS_ADRERR);
        }
        EXPECT_EQ(g_bus_calls, 2);
        store(p, 5);  // the other units are fine
        store(p + 2 * 4096, 6);
        EXPECT_EQ(env.host[0], 5);
        EXPECT_EQ(env.host[2 * 4096], 6);
        // A system call's buffer in the lost page: the same SIGBUS.
        if (sigsetjmp(g_jump, 1) == 0) {
            int fds[2];
            ASSERT_EQ(pipe(fds), 0);
            ASSERT_EQ(write(fds[1], "q", 1), 1);
            ssize_t r = read(fds[0], p + 4096, 1);
            ADD_FAILURE() << "read returned " << r;
        }
        EXPECT_EQ(g_bus_calls, 3);
        EXPECT_EQ(g_bus_addr, p + 4096);
    }));
}

TEST(ClientDsmFailure, BlockedOrIgnoredSigbusStillKills) {
    ChildOutcome blocked = run_in_child([] {
        DsmEnv env;
        fail_unit(env.fake, 0, EIO);
        std::uint8_t* p = env.attach(4096);
        sigset_t bus;
        sigemptyset(&bus);
        sigaddset(&bus, SIGBUS);
        sigprocmask(SIG_BLOCK, &bus, nullptr);
        load(p);
        _exit(0);
    });
    EXPECT_TRUE(killed_by(blocked.status, SIGBUS)) << describe_status(blocked.status);
    ChildOutcome ignored = run_in_child([] {
        DsmEnv env;
        fail_unit(env.fake, 0, EIO);
        std::uint8_t* p = env.attach(4096);
        signal(SIGBUS, SIG_IGN);
        load(p);
        _exit(0);
    });
    EXPECT_TRUE(killed_by(ignored.status, SIGBUS)) << describe_status(ignored.status);
}

TEST(ClientDsmFailure, DaemonGoneMakesTheSegmentInaccessible) {
    ChildOutcome out = run_in_child([] {
        auto env = std::make_unique<DsmEnv>();
        std::uint8_t* p = env->attach(2 * 4096);
        store(p, 1);
        std::string path = env->fake.path();
        env.reset();  // the daemon dies; its socket goes with it
        // The page that was present is taken away too: nothing stale is read.
        for (int i = 0; i < 500 && real_prot(p) != "--"; ++i) usleep(10000);
        if (real_prot(p) != "--") _exit(7);
        load(p);
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGBUS)) << describe_status(out.status) << out.err;
    EXPECT_NE(out.err.find("DSM service connection ended"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("could not be fetched: the DIPC daemon cannot be reached"), std::string::npos) << out.err;
}
