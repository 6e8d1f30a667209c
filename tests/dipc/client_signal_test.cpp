// Blocking calls and signals (decision 6): a blocked call interrupted by a
// signal handler sends cancel(target) and returns the owner's verdict —
// EINTR if the call was still pending, its real result if it had completed
// — even with SA_RESTART (SysV calls are never restarted). A handler that
// makes a DIPC call while the thread's link is busy gets a second link.
#include <pthread.h>
#include <signal.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

std::atomic<int> g_handler_calls{0};
std::atomic<int> g_handler_result{-100};
std::atomic<int> g_handler_errno{0};
int g_handler_target = 0;

void plain_handler(int) { g_handler_calls++; }

void calling_handler(int) {
    int saved = errno;
    g_handler_calls++;
    int r = semctl(g_handler_target, 1, GETVAL);
    g_handler_errno = errno;
    g_handler_result = r;
    errno = saved;
}

struct Outcome {
    long ret = -100;
    int err = 0;
};

// Runs a blocking call on its own thread; if the test ends early (a failed
// assertion), the daemon's connections are cut so the call returns and the
// thread can be joined.
class Caller {
public:
    template <class F>
    Caller(FakeDaemon& fake, F call) : fake_(fake), thread_([this, call] {
        out_.ret = call();
        out_.err = errno;
    }) {}
    ~Caller() {
        if (thread_.joinable()) {
            fake_.kill_connections();
            thread_.join();
        }
    }
    std::thread& thread() { return thread_; }
    Outcome join() {
        thread_.join();
        return out_;
    }

private:
    FakeDaemon& fake_;
    Outcome out_;
    std::thread thread_;
};


class ClientSignal : public DaemonTest {
protected:
    void SetUp() override {
        DaemonTest::SetUp();
        g_handler_calls = 0;
        g_handler_result = -100;
        g_handler_errno = 0;
    }
    void TearDown() override {
        signal(SIGUSR1, SIG_DFL);
        DaemonTest::TearDown();
    }
    static void install(void (*handler)(int)) {
        struct sigaction sa {};
        sa.sa_handler = handler;
        sa.sa_flags = SA_RESTART;  // must not restart SysV calls
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, nullptr);
    }
    // Signals `t` until the fake saw a cancel (a signal just before the
    // thread enters poll(2) is handled without interrupting it, as with the
    // kernel's own blocking calls; the next one does).
    bool interrupt_until_cancel(std::thread& t) {
        for (int i = 0; i < 100; ++i) {
            pthread_kill(t.native_handle(), SIGUSR1);
            if (fake->wait_for_op(proto::Op::cancel, 1, 100)) return true;
        }
        return false;
    }
    // Holds every request of `op`; answers the rest with ret 5.
    void hold(proto::Op op) {
        fake->on_request([op](const Request& r) -> std::optional<proto::Reply> {
            if (r.op == op || r.op == proto::Op::cancel) return std::nullopt;
            return ok_reply(5);
        });
    }
};

}  // namespace

TEST_F(ClientSignal, InterruptedSemopCancelsAndReturnsEintrOnThatVerdict) {
    install(plain_handler);
    hold(proto::Op::semop);
    Caller t(*fake, [] {
        struct sembuf op{0, -1, 0};
        return long(semop(dipc_id(), &op, 1));
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    ASSERT_TRUE(interrupt_until_cancel(t.thread()));
    Request sem = fake->requests(proto::Op::semop).at(0);
    Request cancel = fake->requests(proto::Op::cancel).at(0);
    EXPECT_EQ(cancel.as<proto::CancelReq>().target, sem.id);
    EXPECT_EQ(cancel.conn, sem.conn);
    EXPECT_GT(cancel.id, sem.id);
    fake->reply(sem, err_reply(EINTR));
    Outcome out = t.join();
    EXPECT_EQ(out.ret, -1);
    EXPECT_EQ(out.err, EINTR);
    EXPECT_GE(g_handler_calls.load(), 1);
    EXPECT_EQ(fake->requests(proto::Op::cancel).size(), 1u);  // one cancel per call
}

TEST_F(ClientSignal, InterruptedSemopThatCompletedReturnsItsResult) {
    install(plain_handler);
    hold(proto::Op::semop);
    Caller t(*fake, [] {
        struct sembuf op{0, -1, 0};
        return long(semop(dipc_id(), &op, 1));
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    ASSERT_TRUE(interrupt_until_cancel(t.thread()));
    fake->reply(fake->requests(proto::Op::semop).at(0), ok_reply(0));
    Outcome out = t.join();
    EXPECT_EQ(out.ret, 0);
}

TEST_F(ClientSignal, InterruptedMsgrcvTakesTheMessageWhenTheVerdictIsTheMessage) {
    install(plain_handler);
    hold(proto::Op::msgrcv);
    struct {
        long mtype;
        char text[8];
    } m{};
    Caller t(*fake, [&m] { return long(msgrcv(dipc_id(), &m, 8, 0, 0)); });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::msgrcv));
    ASSERT_TRUE(interrupt_until_cancel(t.thread()));
    proto::MsgText text;
    text.mtype = 4;
    text.text = {'o', 'k'};
    fake->reply(fake->requests(proto::Op::msgrcv).at(0), ok_reply(2, text));
    Outcome out = t.join();
    EXPECT_EQ(out.ret, 2);
    EXPECT_EQ(m.mtype, 4);
    EXPECT_EQ(std::memcmp(m.text, "ok", 2), 0);
}

TEST_F(ClientSignal, InterruptedMsgsndReturnsEintr) {
    install(plain_handler);
    hold(proto::Op::msgsnd);
    Caller t(*fake, [] {
        struct {
            long mtype;
            char c;
        } m{1, 'a'};
        return long(msgsnd(dipc_id(), &m, 1, 0));
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::msgsnd));
    ASSERT_TRUE(interrupt_until_cancel(t.thread()));
    fake->reply(fake->requests(proto::Op::msgsnd).at(0), err_reply(EINTR));
    Outcome out = t.join();
    EXPECT_EQ(out.ret, -1);
    EXPECT_EQ(out.err, EINTR);
}

TEST_F(ClientSignal, HandlerCallWhileTheThreadsLinkIsBusyUsesASecondLink) {
    install(calling_handler);
    g_handler_target = dipc_id(9, 2);
    hold(proto::Op::semop);
    Caller t(*fake, [] {
        struct sembuf op{0, -1, 0};
        return long(semop(dipc_id(), &op, 1));
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    ASSERT_TRUE(interrupt_until_cancel(t.thread()));
    EXPECT_EQ(g_handler_result.load(), 5);  // the handler's semctl was answered
    Request sem = fake->requests(proto::Op::semop).at(0);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_GE(ctls.size(), 1u);
    EXPECT_NE(ctls[0].conn, sem.conn);
    EXPECT_EQ(ctls[0].pid, sem.pid);
    EXPECT_EQ(ctls[0].as<proto::SemctlReq>().id, dipc_id(9, 2));
    fake->reply(sem, err_reply(EINTR));
    Outcome out = t.join();
    EXPECT_EQ(out.ret, -1);
    EXPECT_EQ(out.err, EINTR);
    EXPECT_EQ(fake->connections().size(), 2u);  // the thread's link and the handler's, reused
}

TEST_F(ClientSignal, NonBlockingCallsAreNotCancelledBySignals) {
    install(plain_handler);
    hold(proto::Op::semctl);
    Caller t(*fake, [] { return long(semctl(dipc_id(), 0, GETVAL)); });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semctl));
    for (int i = 0; i < 5; ++i) {
        pthread_kill(t.thread().native_handle(), SIGUSR1);
        usleep(20000);
    }
    EXPECT_EQ(fake->requests(proto::Op::cancel).size(), 0u);
    fake->reply(fake->requests(proto::Op::semctl).at(0), ok_reply(3));
    Outcome out = t.join();
    EXPECT_EQ(out.ret, 3);
}

TEST_F(ClientSignal, NoVerdictWithinTheBoundIsEnolink) {
    install(plain_handler);
    hold(proto::Op::semop);
    StderrCapture err;
    Caller t(*fake, [] {
        struct sembuf op{0, -1, 0};
        return long(semop(dipc_id(), &op, 1));
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    ASSERT_TRUE(interrupt_until_cancel(t.thread()));
    Outcome out = t.join();  // the fake never answers: kVerdictTimeoutMs (5 s) later
    EXPECT_EQ(out.ret, -1);
    EXPECT_EQ(out.err, ENOLINK);
    EXPECT_NE(err.text().find("no verdict on a cancelled call"), std::string::npos);
}
