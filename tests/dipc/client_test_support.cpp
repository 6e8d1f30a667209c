#include "client_test_support.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>

#include "client_state.hpp"

namespace papers::dipc::test {

namespace {
bool g_private = false;
}

bool private_namespaces() { return g_private; }

void reset_client() { client::testing::reset_process_state(); }

StderrCapture::StderrCapture() {
    fflush(stderr);
    saved_ = dup(2);
    char name[] = "/tmp/dipc-client-stderr-XXXXXX";
    file_ = mkstemp(name);
    unlink(name);
    dup2(file_, 2);
}

StderrCapture::~StderrCapture() { text(); }

std::string StderrCapture::text() {
    if (!done_) {
        fflush(stderr);
        dup2(saved_, 2);
        close(saved_);
        done_ = true;
    }
    std::string out;
    char buf[4096];
    ssize_t k;
    lseek(file_, 0, SEEK_SET);
    while ((k = read(file_, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(k));
    return out;
}

int StderrCapture::lines() {
    int n = 0;
    for (char c : text()) n += c == '\n';
    return n;
}

GuardedBuffer::GuardedBuffer(std::size_t size) {
    std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::size_t pages = (size + page - 1) / page + 1;
    map_size_ = pages * page;
    map_ = mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    end_ = static_cast<char*>(map_) + (pages - 1) * page;
    mprotect(end_, page, PROT_NONE);
    data_ = static_cast<char*>(end_) - size;
}

GuardedBuffer::~GuardedBuffer() { munmap(map_, map_size_); }

void DaemonTest::SetUp() {
    fake = std::make_unique<FakeDaemon>();
    setenv("PAPERS_DIPC_SOCKET", fake->path().c_str(), 1);
    unsetenv("PAPERS_DIPC_KEYS");
    reset_client();
}

void DaemonTest::TearDown() {
    reset_client();
    fake.reset();
    unsetenv("PAPERS_DIPC_SOCKET");
    unsetenv("PAPERS_DIPC_KEYS");
    reset_client();
}

}  // namespace papers::dipc::test

// The test process gets its own IPC namespace (kernel structures created by
// the tests vanish with it) and a private, empty /run (no daemon of the
// host's at the default socket path). Needs root; without it the tests
// that depend on this skip.
int main(int argc, char** argv) {
    using namespace papers::dipc::test;
    if (unshare(CLONE_NEWIPC | CLONE_NEWNS) == 0 && mount("none", "/", "none", MS_REC | MS_PRIVATE, nullptr) == 0 &&
        mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") == 0)
        g_private = true;
    unsetenv("PAPERS_DIPC_SOCKET");
    unsetenv("PAPERS_DIPC_KEYS");
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
