// fork and exec of a process with attachments (docs/dipc-design.md): the
// child starts with every view none and its own service connection, and
// gets its own handles with ShmInherit before fork returns in the parent
// (so the daemon has counted it, as the kernel's shm_nattch rises at fork);
// a refused attachment is unmapped in the child; exec closes the service
// connection while the process lives on. Each test in a child process
// (which forks again).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "client_dsm_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

int wait_status(pid_t pid) {
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

// The service connection pid opened, open or closed since; 0 if none.
int service_connection_ever(const FakeShmDaemon& fake, pid_t pid) {
    for (auto& c : fake.connections())
        if (c.pid == pid && c.role == 1) return c.id;
    return 0;
}

}  // namespace

TEST(ClientDsmFork, ChildFetchesItsOwnPagesWithItsOwnHandles) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(2 * 4096);
        store(p, 1);
        std::uint64_t parent_handle = env.fake.handles().begin()->first;
        pid_t child = fork();
        if (child == 0) {
            // Before anything else: the parent's views are not the child's.
            if (real_prot(p) != "--") _exit(2);
            if (load(p) != 1) _exit(3);
            store(p + 4096, 9);
            _exit(real_prot(p) == "r-" && real_prot(p + 4096) == "rw" ? 0 : 4);
        }
        ASSERT_GT(child, 0);
        // The parent's fork returned after the daemon gave the child its handles.
        auto inherits = env.fake.requests(proto::Op::shm_inherit);
        ASSERT_EQ(inherits.size(), 1u);
        EXPECT_EQ(inherits[0].pid, child);
        EXPECT_EQ(inherits[0].as<proto::ShmInherit>().attaches, std::vector<std::uint64_t>{parent_handle});
        EXPECT_NE(service_connection_ever(env.fake, child), 0);
        int status = wait_status(child);
        EXPECT_TRUE(exited_ok(status)) << describe_status(status);
        EXPECT_EQ(env.host[4096], 9);
        std::uint64_t child_handle = 0;
        for (auto& [h, owner] : env.fake.handles())
            if (owner.first == child) child_handle = h;
        ASSERT_NE(child_handle, 0u);
        std::vector<std::pair<std::uint64_t, bool>> child_faults;
        for (const Request& r : env.fake.requests(proto::Op::fault)) {
            if (r.pid != child) continue;
            EXPECT_EQ(r.as<proto::FaultReq>().attach, child_handle);
            child_faults.push_back({r.as<proto::FaultReq>().unit, r.as<proto::FaultReq>().write});
        }
        EXPECT_EQ(child_faults, (std::vector<std::pair<std::uint64_t, bool>>{{0, false}, {1, true}}));
        // The parent kept its own view.
        EXPECT_EQ(real_prot(p), "rw");
        store(p, 2);
        EXPECT_EQ(env.fake.requests(proto::Op::fault).size(), 3u);
    }));
}

TEST(ClientDsmFork, RefusedAttachmentIsUnmappedInTheChild) {
    ChildOutcome out = run_in_child([] {
        DsmEnv env;
        env.fake.on_request([](const Request& r) {
            if (r.op == proto::Op::shm_inherit) return Action::answer(ok_reply(0, proto::ShmInherit{{0}}));
            return Action::standard();
        });
        std::uint8_t* p = env.attach(4096);
        store(p, 1);
        pid_t child = fork();
        if (child == 0) _exit(msync(p, 4096, MS_ASYNC) == -1 && errno == ENOMEM ? 0 : 5);
        int status = wait_status(child);
        EXPECT_TRUE(exited_ok(status)) << describe_status(status);
        EXPECT_EQ(load(p), 1);  // the parent's is untouched
    });
    expect_child_ok(out);
    EXPECT_NE(out.err.find("fork: the child process lost its attachment of shared memory segment " +
                           std::to_string(DsmEnv::kShmid) + " (the DIPC daemon refused it)"),
              std::string::npos)
        << out.err;
}

TEST(ClientDsmFork, ExecClosesTheServiceConnectionAndTheProcessLivesOn) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        env.fake.add_segment(DsmEnv::kShmid, 4096);
        int ready[2];
        ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0);
        pid_t child = fork();
        if (child == 0) {
            void* p = shmat(DsmEnv::kShmid, nullptr, 0);
            if (p == reinterpret_cast<void*>(-1)) _exit(2);
            store(p, 1);
            if (write(ready[1], "x", 1) != 1) _exit(3);
            execl("/bin/sleep", "sleep", "5", static_cast<char*>(nullptr));
            _exit(4);
        }
        close(ready[1]);
        char c;
        ASSERT_EQ(read(ready[0], &c, 1), 1);
        int conn = service_connection_ever(env.fake, child);  // exec may have closed it already
        ASSERT_NE(conn, 0);
        EXPECT_TRUE(env.fake.wait_closed(conn));
        // Closed by exec, not by an exit: the process is there, running sleep.
        std::ifstream comm("/proc/" + std::to_string(child) + "/comm");
        std::string name;
        std::getline(comm, name);
        EXPECT_EQ(name, "sleep");
        kill(child, SIGKILL);
        wait_status(child);
    }));
}

TEST(ClientDsmFork, ForkWithoutAttachmentsAsksTheDaemonNothing) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        EXPECT_EQ(shmget(0x77, 4096, IPC_CREAT | proto::kIpcDipc | 0600), 0);
        pid_t child = fork();
        if (child == 0) _exit(0);
        EXPECT_TRUE(exited_ok(wait_status(child)));
        EXPECT_EQ(env.fake.requests().size(), 1u);  // the shmget
        for (auto& c : env.fake.connections()) EXPECT_NE(c.pid, child);
    }));
}
