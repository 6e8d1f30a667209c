// Routing of calls on DIPC ids by owner (docs/dipc-design.md, decision 13),
// against the fake daemon: whereis once per id, the entry dropped when the
// id is gone, link_open for another host and what its refusals do, the
// calls that never ask whereis, links reopened after a credential change,
// and frames read through the link's buffer. The direct links themselves
// need a real owner: client_remote_test.cpp.
#include <sys/msg.h>
#include <sys/sem.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>

#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

using ClientOwnerRoute = DaemonTest;

namespace {

int getval(int id) { return semctl(id, 0, GETVAL); }

std::size_t count(const std::vector<Request>& rs, proto::Op op) {
    std::size_t n = 0;
    for (const Request& r : rs) n += r.op == op;
    return n;
}

}  // namespace

TEST_F(ClientOwnerRoute, WhereisIsAskedOncePerIdAndCallsOnLocalIdsStayOnTheSocket) {
    fake->on_request([](const Request&) { return ok_reply(3); });
    int a = dipc_id(3, 1), b = dipc_id(4, 1);
    EXPECT_EQ(getval(a), 3);
    EXPECT_EQ(getval(a), 3);
    struct sembuf op{0, 1, 0};
    EXPECT_EQ(semop(a, &op, 1), 3);
    EXPECT_EQ(fake->whereis_count(), 1u);
    EXPECT_EQ(getval(b), 3);
    EXPECT_EQ(fake->whereis_count(), 2u);
    // A message queue's id is another kind's: asked on its own.
    EXPECT_EQ(msgctl(a, IPC_RMID, nullptr), 3);
    EXPECT_EQ(fake->whereis_count(), 3u);
    auto rs = fake->requests();
    EXPECT_EQ(count(rs, proto::Op::semctl), 3u);
    EXPECT_EQ(count(rs, proto::Op::semop), 1u);
    EXPECT_EQ(count(rs, proto::Op::link_open), 0u);
}

TEST_F(ClientOwnerRoute, AnIdSaidToBeGoneIsAskedAboutAgain) {
    int a = dipc_id(5, 2);
    for (int err : {EINVAL, EIDRM}) {
        fake->on_request([](const Request&) { return ok_reply(1); });
        EXPECT_EQ(getval(a), 1);  // known from here on
        std::size_t before = fake->whereis_count();
        fake->on_request([err](const Request&) { return err_reply(err); });
        errno = 0;
        EXPECT_EQ(getval(a), -1);
        EXPECT_EQ(errno, err);
        EXPECT_EQ(fake->whereis_count(), before);
        // The slot may now hold a new structure, owned anywhere.
        fake->on_request([](const Request&) { return ok_reply(1); });
        EXPECT_EQ(getval(a), 1);
        EXPECT_EQ(fake->whereis_count(), before + 1) << strerror(err);
        EXPECT_EQ(getval(a), 1);
        EXPECT_EQ(fake->whereis_count(), before + 1);
    }
}

TEST_F(ClientOwnerRoute, AnotherHostsIdAsksForALinkAndALostOwnerIsEidrm) {
    int a = dipc_id(6, 1);
    fake->set_owner(a, 9);
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::link_open) return err_reply(EIDRM);  // no such host any more
        return ok_reply(0);
    });
    struct sembuf op{0, -1, 0};
    errno = 0;
    EXPECT_EQ(semop(a, &op, 1), -1);
    EXPECT_EQ(errno, EIDRM);
    auto opens = fake->requests(proto::Op::link_open);
    ASSERT_EQ(opens.size(), 1u);
    EXPECT_EQ(opens[0].as<proto::LinkOpen>().host, 9u);
    EXPECT_TRUE(fake->requests(proto::Op::semop).empty());  // never sent through the daemon
    // Forgotten: the next call asks where the id lives again.
    errno = 0;
    EXPECT_EQ(getval(a), -1);
    EXPECT_EQ(errno, EIDRM);
    EXPECT_EQ(fake->whereis_count(), 2u);
}

TEST_F(ClientOwnerRoute, ChecksBeforeTheLookupComeBeforeTheOwnersLink) {
    fake->limits.semopm = 2;
    int a = dipc_id(6, 3);
    fake->set_owner(a, 9);
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::link_open) return err_reply(EIDRM);
        return ok_reply(0);
    });
    struct sembuf ops[3] = {{0, 1, 0}, {0, 1, 0}, {0, 1, 0}};
    errno = 0;
    EXPECT_EQ(semop(a, ops, 3), -1);
    EXPECT_EQ(errno, E2BIG);
    EXPECT_EQ(semop(a, static_cast<struct sembuf*>(nullptr), 1), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_TRUE(fake->requests(proto::Op::link_open).empty());
}

TEST_F(ClientOwnerRoute, ALinkTheProcessCannotTakeSendsTheCallThroughTheDaemon) {
    int a = dipc_id(7, 1), b = dipc_id(8, 1);
    fake->set_owner(a, 9);
    fake->set_owner(b, 9);
    auto opens = std::make_shared<int>(0);
    fake->on_request([opens](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::link_open) {
            // First (a): the daemon says the host is its own. Then (b): an
            // answer without the socket, as when it could not be received.
            return ++*opens == 1 ? err_reply(EINVAL) : ok_reply(0);
        }
        return ok_reply(r.op == proto::Op::semctl ? 4 : 0);
    });
    EXPECT_EQ(getval(a), 4);
    EXPECT_EQ(getval(b), 4);
    EXPECT_EQ(fake->requests(proto::Op::link_open).size(), 2u);
    auto calls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].as<proto::SemctlReq>().id, a);
    EXPECT_EQ(calls[1].as<proto::SemctlReq>().id, b);
}

TEST_F(ClientOwnerRoute, StatByIndexAndInfoNeverAskWhereis) {
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::semctl) {
            auto c = r.as<proto::SemctlReq>();
            if (c.cmd == SEM_INFO || c.cmd == IPC_INFO) return ok_reply(32001, proto::SemInfoRec{});
            proto::SemDsRec ds;
            ds.nsems = 1;
            return ok_reply(proto::make_id(1, 1), ds);
        }
        if (r.op == proto::Op::msgctl) {
            auto c = r.as<proto::MsgctlReq>();
            if (c.cmd == MSG_INFO || c.cmd == IPC_INFO) return ok_reply(32001, proto::MsgInfoRec{});
            return ok_reply(proto::make_id(1, 1), proto::MsgDsRec{});
        }
        return ok_reply(0);
    });
    struct semid_ds sds;
    struct seminfo si;
    struct msqid_ds mds;
    EXPECT_EQ(semctl(32001, 0, SEM_STAT, &sds), proto::make_id(1, 1));
    EXPECT_EQ(semctl(32001, 0, SEM_STAT_ANY, &sds), proto::make_id(1, 1));
    EXPECT_GE(semctl(0, 0, SEM_INFO, &si), 32001);
    EXPECT_EQ(msgctl(32001, MSG_STAT, &mds), proto::make_id(1, 1));
    EXPECT_GE(msgctl(0, MSG_INFO, reinterpret_cast<struct msqid_ds*>(&si)), 32001);
    EXPECT_EQ(fake->whereis_count(), 0u);
    // SETALL asks SEM_STAT_ANY by index (daemon), then SETALL by id (owner).
    unsigned short v = 1;
    EXPECT_EQ(semctl(proto::make_id(1, 1), 0, SETALL, &v), proto::make_id(1, 1));
    EXPECT_EQ(fake->whereis_count(), 1u);
}

TEST_F(ClientOwnerRoute, ALinkOpenedBeforeTheCredentialsChangedIsReplaced) {
    fake->on_request([](const Request&) { return ok_reply(2); });
    int a = dipc_id(9, 1);
    ASSERT_EQ(getval(a), 2);
    ASSERT_EQ(getval(a), 2);
    // The daemon took this link's identity at connect (SO_PEERCRED).
    ASSERT_EQ(setegid(getegid()), 0);  // a change as far as the layer can tell
    ASSERT_EQ(getval(a), 2);
    auto rs = fake->requests(proto::Op::semctl);
    ASSERT_EQ(rs.size(), 3u);
    EXPECT_EQ(rs[0].conn, rs[1].conn);
    EXPECT_NE(rs[1].conn, rs[2].conn);
    EXPECT_TRUE(fake->wait_closed(rs[1].conn));
    // Without a change the new link stays.
    ASSERT_EQ(getval(a), 2);
    EXPECT_EQ(fake->requests(proto::Op::semctl).back().conn, rs[2].conn);
}

TEST_F(ClientOwnerRoute, RepliesLargerThanTheLinksBufferArriveWhole) {
    fake->limits.msgmax = 1 << 20;
    proto::MsgText t;
    t.mtype = 5;
    t.text.resize(300 * 1024);
    for (std::size_t i = 0; i < t.text.size(); ++i) t.text[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    fake->on_request([&t](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::msgrcv) return ok_reply(static_cast<std::int64_t>(t.text.size()), t);
        return ok_reply(0);
    });
    std::vector<char> buf(sizeof(long) + t.text.size());
    for (int round = 0; round < 3; ++round) {  // the buffer is reused after a large frame
        std::fill(buf.begin(), buf.end(), 0);
        ASSERT_EQ(msgrcv(dipc_id(), buf.data(), t.text.size(), 0, 0), static_cast<ssize_t>(t.text.size()));
        long mtype;
        std::memcpy(&mtype, buf.data(), sizeof mtype);
        EXPECT_EQ(mtype, 5);
        EXPECT_EQ(std::memcmp(buf.data() + sizeof(long), t.text.data(), t.text.size()), 0);
        struct sembuf op{0, 1, 0};
        EXPECT_EQ(semop(dipc_id(), &op, 1), 0);
    }
}

TEST_F(ClientOwnerRoute, ALinkOpenTheDaemonDiesOnIsEnolinkWithOneLine) {
    int a = dipc_id(10, 1);
    fake->set_owner(a, 9);
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::link_open) return std::nullopt;  // dies before it answers
        return ok_reply(0);
    });
    StderrCapture err;
    long ret = 0;
    int e = 0;
    std::thread t([&] {
        ret = getval(a);
        e = errno;
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::link_open));
    fake->kill_connections();
    t.join();
    EXPECT_EQ(ret, -1);
    EXPECT_EQ(e, ENOLINK);
    std::string text = err.text();
    EXPECT_NE(text.find(fake->path()), std::string::npos) << text;
}
