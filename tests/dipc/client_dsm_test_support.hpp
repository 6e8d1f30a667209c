// client_dsm_test_support.hpp — what the shared memory tests share. Every
// test that attaches runs in a child process of the test program (the
// layer's SIGSEGV handler, service thread and attachments are the
// process's, and some tests end in death by a signal): the child makes its
// own fake daemon, runs the body, and exits 0 when no expectation failed.
// Protections are read back from /proc/self/maps, the kernel's own record,
// not from the layer's bookkeeping.
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "client_dsm_fake_daemon.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::test {

struct ChildOutcome {
    int status = -1;   // waitpid's
    std::string err;   // what the child wrote on stderr
};

// Runs body in a child (no core dumps), within timeout_ms (then SIGKILL).
ChildOutcome run_in_child(const std::function<void()>& body, int timeout_ms = 60000);

inline bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
inline bool killed_by(int status, int sig) { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
std::string describe_status(int status);
// A gtest expectation that the child exited 0, showing how it ended and its stderr.
inline void expect_child_ok(const ChildOutcome& out) {
    EXPECT_TRUE(exited_ok(out.status)) << describe_status(out.status) << "\nstderr:\n" << out.err;
}

// In a child: a fake daemon configured as the process's daemon.
class DsmEnv {
public:
    DsmEnv();
    ~DsmEnv();
    FakeShmDaemon fake;
    static constexpr std::int32_t kShmid = proto::make_id(5, 2);
    // Adds segment kShmid (or `shmid`) and attaches it; returns the address.
    std::uint8_t* attach(std::uint64_t size, int flags = 0, std::uint64_t unit_bytes = 4096,
                         std::int32_t shmid = kShmid);
    std::uint8_t* host = nullptr;  // the fake's view of the last segment added
};

// The real protection of the page holding p, as /proc/self/maps says:
// "rw", "r-", "--" (and "unmapped").
std::string real_prot(const void* p);
// The same with the execute bit: "rwx", "r-x", ...
std::string real_perms(const void* p);

// Faults the fake saw: (unit, write) in order.
std::vector<std::pair<std::uint64_t, bool>> faults(const FakeShmDaemon& fake);

// A volatile access, so the compiler keeps it. Tests fault on purpose (a NULL
// dereference into the program's own handler): UBSan's null check must not
// stop them first.
__attribute__((no_sanitize("null"))) inline std::uint8_t load(const void* p) {
    return *static_cast<const volatile std::uint8_t*>(p);
}
__attribute__((no_sanitize("null"))) inline void store(void* p, std::uint8_t v) {
    *static_cast<volatile std::uint8_t*>(p) = v;
}

}  // namespace papers::dipc::test
