// client_test_support.hpp — what the interposer's tests share: the process
// set-up (private IPC and mount namespaces, so kernel calls touch nothing of
// the host's and no daemon at the default path interferes), a fixture with
// a fake daemon configured, stderr capture, and buffers that end at an
// inaccessible page (for EFAULT).
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client_fake_daemon.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::test {

// True when main() could give the test process its own IPC namespace and a
// private empty /run (tests needing them skip otherwise).
bool private_namespaces();

// Forget the interposer's per-process state (configuration, links, cached
// limits, stderr lines) after changing the environment.
void reset_client();

// Collects what is written to fd 2 between construction and text().
class StderrCapture {
public:
    StderrCapture();
    ~StderrCapture();
    std::string text();  // stops capturing
    int lines();         // stops capturing

private:
    int saved_ = -1;
    int file_ = -1;
    bool done_ = false;
};

// `size` bytes that end exactly where an inaccessible page starts.
class GuardedBuffer {
public:
    explicit GuardedBuffer(std::size_t size);
    ~GuardedBuffer();
    void* data() const { return data_; }
    // A pointer `n` bytes before the inaccessible page.
    void* tail(std::size_t n) const { return static_cast<char*>(end_) - n; }

private:
    void* map_ = nullptr;
    std::size_t map_size_ = 0;
    void* data_ = nullptr;
    void* end_ = nullptr;
};

// A fake daemon configured as the process's daemon (PAPERS_DIPC_SOCKET),
// PAPERS_DIPC_KEYS unset, the interposer's state fresh.
class DaemonTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    std::unique_ptr<FakeDaemon> fake;
    // A DIPC id (slot, seq) as the referee would hand it out.
    static int dipc_id(int slot = 3, int seq = 1) { return proto::make_id(slot, seq); }
};

}  // namespace papers::dipc::test
