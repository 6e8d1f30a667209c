// Three daemons' DSM services wired together in one process, with fake
// local processes that map the real memfds, apply grants and revokes as the
// interposer does, and check every read against the last value written
// anywhere. Messages between daemons and to processes are delivered in a
// random order, so grants race with revokes; only what travels on one peer
// link in one direction keeps its order (the home's revokes and direct-grant
// notices to a host), as TCP keeps it.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "dsm/dsm_service.hpp"

using namespace papers::dipcd;
using namespace papers::dipcd::dsm;
namespace proto = papers::dipc::proto;

namespace {

constexpr std::int32_t kSeg = 1234;
constexpr std::uint64_t kUnits = 4;

struct Cluster;

struct FakeProcess {
    int host = 0;
    proto::Caller who;
    std::uint64_t handle = 0;
    std::uint64_t service = 0;  // session id
    std::uint8_t* mem = nullptr;
    std::vector<Level> view = std::vector<Level>(kUnits, Level::none);
    std::vector<std::uint64_t> seq = std::vector<std::uint64_t>(kUnits, 0);
};

struct Cluster {
    std::mt19937 rng;
    std::int64_t now = 0;
    std::deque<std::function<void()>> events;  // messages in flight, any order
    std::map<std::pair<int, int>, std::deque<std::function<void()>>> links;  // (from, to): in order
    bool hold_links = false;  // the test delivers link messages itself
    std::uint64_t next_fetch = 1;
    std::map<int, std::unique_ptr<DsmService>> svc;
    std::map<int, std::unique_ptr<Log>> logs;
    std::map<std::pair<std::uint64_t, std::uint64_t>, proto::Reply> replies;  // (session, req)
    std::map<std::uint64_t, FakeProcess*> by_service;
    std::set<std::uint64_t> frozen;
    std::vector<std::unique_ptr<FakeProcess>> procs;

    explicit Cluster(std::uint32_t seed, std::int64_t residency = 0) : rng(seed) {
        for (int h = 1; h <= 3; ++h) {
            logs[h] = std::make_unique<Log>();
            DsmService::Io io;
            io.reply_local = [this](std::uint64_t s, std::uint64_t req, proto::Reply r) {
                events.push_back([this, s, req, r] { replies[{s, req}] = r; });
            };
            io.send_revoke = [this](std::uint64_t service, std::uint64_t id, const proto::Revoke& rv) {
                if (frozen.count(service)) return true;  // delivered, never acted on (SIGSTOP)
                auto it = by_service.find(service);
                if (it == by_service.end()) return false;
                FakeProcess* p = it->second;
                events.push_back([this, p, id, rv] { apply_revoke(*p, id, rv); });
                return true;
            };
            io.page_req = [this, h](std::uint32_t home, const proto::PageReq& r, Respond respond) {
                events.push_back([this, h, home, r, respond] {
                    svc[home]->page_request(h, r, [this, respond](proto::Reply rep) {
                        events.push_back([respond, rep] { respond(rep); });
                    });
                });
            };
            io.page_revoke = [this, h](std::uint32_t host, const proto::PageRevoke& r, Respond respond) {
                links[{h, int(host)}].push_back([this, host, r, respond] {
                    svc[host]->page_revoke(r, [this, respond](proto::Reply rep) {
                        events.push_back([respond, rep] { respond(rep); });
                    });
                });
            };
            io.page_notice = [this, h](std::uint32_t host, const proto::PageNotice& n) {
                links[{h, int(host)}].push_back([this, h, host, n] { svc[host]->page_notice(h, n); });
            };
            io.now_ns = [this] { return now; };
            svc[h] = std::make_unique<DsmService>(io, *logs[h], h, 1000000000, residency);
        }
        svc[1]->segment_created(kSeg, kUnits * 4096, 4096);
        for (int h = 1; h <= 3; ++h) add_process(h, 1000 + h);
    }
    ~Cluster() {
        for (auto& p : procs) munmap(p->mem, kUnits * 4096);
    }
    FakeProcess& add_process(int host, int pid) {
        auto p = std::make_unique<FakeProcess>();
        p->host = host;
        p->who.host = host;
        p->who.pid = pid;
        p->who.start_time = 1;
        p->service = 100 * host + procs.size();
        svc[host]->service_opened(p->service, p->who);
        by_service[p->service] = p.get();
        std::string why;
        auto a = svc[host]->attach(kSeg, kUnits * 4096, 4096, 1, p->who, false, why);
        EXPECT_TRUE(a) << why;
        p->handle = a->handle;
        void* m = mmap(nullptr, kUnits * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
        EXPECT_NE(m, MAP_FAILED);
        p->mem = static_cast<std::uint8_t*>(m);
        procs.push_back(std::move(p));
        return *procs.back();
    }
    void apply_revoke(FakeProcess& p, std::uint64_t id, const proto::Revoke& rv) {
        for (std::uint64_t u = rv.unit; u < rv.unit + rv.count; ++u) {
            if (rv.seq > p.seq[u]) {
                p.seq[u] = rv.seq;
                if (static_cast<Level>(rv.level) < p.view[u]) p.view[u] = static_cast<Level>(rv.level);
            }
        }
        svc[p.host]->revoke_acked(p.service, id);
    }
    // Delivers one message in flight, chosen at random.
    bool step() {
        std::vector<std::deque<std::function<void()>>*> open;
        if (!hold_links)
            for (auto& [k, q] : links)
                if (!q.empty()) open.push_back(&q);
        std::size_t n = events.size() + open.size();
        if (n == 0) return false;
        std::size_t i = rng() % n;
        std::function<void()> e;
        if (i < events.size()) {
            e = std::move(events[i]);
            events.erase(events.begin() + static_cast<long>(i));
        } else {
            auto& q = *open[i - events.size()];
            e = std::move(q.front());
            q.pop_front();
        }
        e();
        return true;
    }
    // Delivers the oldest message on the link from -> to.
    bool deliver(int from, int to) {
        auto& q = links[{from, to}];
        if (q.empty()) return false;
        auto e = std::move(q.front());
        q.pop_front();
        e();
        return true;
    }
    // A read miss asked of the home (host 1) directly, as dsm_faults.cpp
    // does: the answer's bytes are written into the host copy only if no
    // view change was applied since the request went out; the report to
    // the process's daemon is one more message in flight. `install` false
    // models a process that never reports (stopped): nothing is written.
    // 0, EAGAIN (ask the daemon), or the home's error.
    int direct(FakeProcess& p, std::uint64_t u, bool report = true) {
        const std::uint64_t seq_before = p.seq[u], id = next_fetch++;
        auto result = std::make_shared<std::optional<int>>();
        FakeProcess* pp = &p;
        events.push_back([this, pp, u, id, seq_before, result, report] {
            svc[1]->direct_fetch(pp->who, proto::DsmFetch{kSeg, u, pp->handle, id},
                                 [this, pp, u, id, seq_before, result, report](proto::Reply r) {
                events.push_back([this, pp, u, id, seq_before, result, report, r] {
                    proto::DsmFetched got;
                    if (r.err || !proto::decode_payload(r.payload, got)) {
                        *result = r.err ? r.err : EPROTO;
                        return;
                    }
                    *result = 0;
                    if (!report) return;
                    bool ok = pp->seq[u] == seq_before && got.data.size() == 4096;
                    if (ok) {
                        std::memcpy(pp->mem + u * 4096, got.data.data(), got.data.size());
                        if (pp->view[u] < Level::read) pp->view[u] = Level::read;
                    }
                    events.push_back([this, pp, u, id, ok] {
                        svc[pp->host]->installed(pp->service, proto::DsmInstalled{pp->handle, u, id, ok});
                    });
                });
            });
        });
        for (int guard = 0; !result->has_value(); ++guard) {
            if (!step()) {
                now += 1000000;
                for (auto& [h, s] : svc) s->expire();
            }
            if (guard > 100000) return ETIME;
        }
        return **result;
    }
    // A fault until it is answered; applies the grant as the interposer does.
    int fault(FakeProcess& p, std::uint64_t u, bool write) {
        static std::uint64_t next_req = 1;
        std::uint64_t req = next_req++;
        svc[p.host]->fault(p.service, req, p.who, proto::FaultReq{p.handle, u, write});
        for (int guard = 0; !replies.count({p.service, req}); ++guard) {
            if (!step()) {
                now += 1000000;
                for (auto& [h, s] : svc) s->expire();
            }
            if (guard > 100000) return ETIME;
        }
        proto::Reply r = replies[{p.service, req}];
        replies.erase({p.service, req});
        if (r.err) return r.err;
        proto::Grant g;
        EXPECT_TRUE(proto::decode_payload(r.payload, g));
        if (g.seq > p.seq[u]) {
            p.seq[u] = g.seq;
            p.view[u] = static_cast<Level>(g.level);
        }
        return 0;
    }
};

}  // namespace

TEST(DsmService, RandomAccessesAcrossThreeHostsSeeTheLastWrite) {
    for (std::uint32_t seed = 1; seed <= 8; ++seed) {
        Cluster c(seed);
        // A second process on host 2 shares its host's memory.
        c.add_process(2, 2002);
        std::vector<std::uint32_t> latest(kUnits, 0);
        std::uint32_t next_value = 1;
        int reads = 0, writes = 0, faults = 0;
        for (int op = 0; op < 3000; ++op) {
            FakeProcess& p = *c.procs[c.rng() % c.procs.size()];
            std::uint64_t u = c.rng() % kUnits;
            bool write = c.rng() % 3 == 0;
            Level need = write ? Level::write : Level::read;
            while (p.view[u] < need) {
                ASSERT_EQ(c.fault(p, u, write), 0) << "seed " << seed;
                ++faults;
            }
            std::uint32_t* word = reinterpret_cast<std::uint32_t*>(p.mem + u * 4096 + 8);
            if (write) {
                *word = latest[u] = next_value++;
                ++writes;
            } else {
                ASSERT_EQ(*word, latest[u]) << "stale read: seed " << seed << " op " << op << " host " << p.host;
                ++reads;
            }
            // Let some messages fly between accesses.
            for (int k = c.rng() % 4; k > 0 && c.step(); --k) {}
        }
        EXPECT_GT(reads, 500);
        EXPECT_GT(writes, 300);
        EXPECT_GT(faults, 100);
    }
}

// As above, with half the read misses of hosts 2 and 3 asked of the home
// directly: notices race with the processes' answers and reports, with
// the hosts' own requests and with revokes for other writers.
TEST(DsmService, DirectFetchesRacingEverythingSeeTheLastWrite) {
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        Cluster c(seed);
        c.add_process(2, 2002);
        c.add_process(3, 3003);
        std::vector<std::uint32_t> latest(kUnits, 0);
        std::uint32_t next_value = 1;
        int reads = 0, direct = 0, fallback = 0;
        for (int op = 0; op < 3000; ++op) {
            FakeProcess& p = *c.procs[c.rng() % c.procs.size()];
            std::uint64_t u = c.rng() % kUnits;
            bool write = c.rng() % 3 == 0;
            Level need = write ? Level::write : Level::read;
            while (p.view[u] < need) {
                if (!write && p.host != 1 && c.rng() % 2) {
                    int err = c.direct(p, u);
                    ASSERT_TRUE(err == 0 || err == EAGAIN) << "seed " << seed << " err " << err;
                    if (err == 0) {
                        ++direct;
                        continue;
                    }
                    ++fallback;
                }
                ASSERT_EQ(c.fault(p, u, write), 0) << "seed " << seed;
            }
            std::uint32_t* word = reinterpret_cast<std::uint32_t*>(p.mem + u * 4096 + 8);
            if (write) {
                *word = latest[u] = next_value++;
            } else {
                ASSERT_EQ(*word, latest[u]) << "stale read: seed " << seed << " op " << op << " host " << p.host;
                ++reads;
            }
            for (int k = c.rng() % 4; k > 0 && c.step(); --k) {}
        }
        EXPECT_GT(reads, 500);
        EXPECT_GT(direct, 50) << "seed " << seed;
        EXPECT_GT(fallback, 10) << "seed " << seed;
    }
}

TEST(DsmService, DirectGrantKeepsOtherLocalProcessesOffUntilInstalled) {
    Cluster c(11);
    FakeProcess& p1 = *c.procs[0];
    FakeProcess& p2 = *c.procs[1];
    FakeProcess& q2 = c.add_process(2, 2002);
    ASSERT_EQ(c.fault(p1, 0, true), 0);
    reinterpret_cast<std::uint32_t*>(p1.mem)[2] = 42;  // the home writes
    while (c.step()) {}
    // p2's answer arrives, but it does not report (yet): the notice makes
    // the unit pending on host 2.
    ASSERT_EQ(c.direct(p2, 0, false), 0);
    while (c.step()) {}
    EXPECT_TRUE(c.svc[2]->pending(kSeg, 0));
    // q2 faults: it must wait (the host copy does not hold the bytes yet).
    c.svc[2]->fault(q2.service, 777, q2.who, proto::FaultReq{q2.handle, 0, false});
    while (c.step()) {}
    EXPECT_FALSE((c.replies.count({q2.service, 777})));
    // p2 reports that it did not install (a revoke came first, say): the
    // daemon writes the notice's bytes itself, and q2 reads them.
    c.svc[2]->installed(p2.service, proto::DsmInstalled{p2.handle, 0, c.next_fetch - 1, false});
    while (c.step()) {}
    ASSERT_TRUE((c.replies.count({q2.service, 777})));
    EXPECT_EQ((c.replies[{q2.service, 777}].err), 0);
    EXPECT_FALSE(c.svc[2]->pending(kSeg, 0));
    EXPECT_EQ(reinterpret_cast<std::uint32_t*>(q2.mem)[2], 42u);
}

TEST(DsmService, RevokeDuringAPendingInstallWaitsForTheBytes) {
    Cluster c(12);
    FakeProcess& p2 = *c.procs[1];
    FakeProcess& p3 = *c.procs[2];
    ASSERT_EQ(c.direct(p2, 1, false), 0);
    while (c.step()) {}
    ASSERT_TRUE(c.svc[2]->pending(kSeg, 1));
    // Host 3 wants to write: the home revokes host 2, whose daemon must not
    // answer before p2's bytes are in (nor revoke p2 before its view exists).
    std::uint64_t req = 900;
    c.svc[3]->fault(p3.service, req, p3.who, proto::FaultReq{p3.handle, 1, true});
    while (c.step()) {}
    EXPECT_FALSE((c.replies.count({p3.service, req})));
    EXPECT_TRUE(c.svc[2]->pending(kSeg, 1));
    // p2 writes the bytes and reports; the revoke goes on, p2 loses its view.
    p2.view[1] = Level::read;
    c.svc[2]->installed(p2.service, proto::DsmInstalled{p2.handle, 1, c.next_fetch - 1, true});
    while (c.step()) {}
    ASSERT_TRUE((c.replies.count({p3.service, req})));
    EXPECT_EQ((c.replies[{p3.service, req}].err), 0);
    EXPECT_EQ(p2.view[1], Level::none);
}

TEST(DsmService, HomeAnswerOvertakingTheNoticeWaitsForIt) {
    Cluster c(13);
    FakeProcess& p2 = *c.procs[1];
    FakeProcess& q2 = c.add_process(2, 2002);
    c.hold_links = true;  // the notice to host 2 stays on its link
    ASSERT_EQ(c.direct(p2, 2, false), 0);
    // q2 faults; host 2's daemon asks the home, which answers (host 2 is a
    // reader already: no bytes) before the notice has arrived.
    c.svc[2]->fault(q2.service, 55, q2.who, proto::FaultReq{q2.handle, 2, false});
    while (c.step()) {}
    EXPECT_FALSE((c.replies.count({q2.service, 55})));  // parked: the notice is not here
    ASSERT_TRUE(c.deliver(1, 2));                     // the notice
    while (c.step()) {}
    EXPECT_FALSE((c.replies.count({q2.service, 55})));  // now pending on p2's bytes
    EXPECT_TRUE(c.svc[2]->pending(kSeg, 2));
    c.svc[2]->process_gone(p2.who);  // p2 dies: the daemon writes the bytes itself
    while (c.step()) {}
    ASSERT_TRUE((c.replies.count({q2.service, 55})));
    EXPECT_EQ((c.replies[{q2.service, 55}].err), 0);
}

TEST(DsmService, ReportBeforeNoticeAndHostHoldingACopy) {
    Cluster c(14);
    FakeProcess& p1 = *c.procs[0];
    FakeProcess& p2 = *c.procs[1];
    FakeProcess& q2 = c.add_process(2, 2002);
    ASSERT_EQ(c.fault(p1, 3, true), 0);
    reinterpret_cast<std::uint32_t*>(p1.mem + 3 * 4096)[2] = 9;
    while (c.step()) {}
    c.hold_links = true;
    ASSERT_EQ(c.direct(p2, 3), 0);  // installs and reports before the notice is delivered
    while (c.step()) {}
    EXPECT_EQ(p2.view[3], Level::read);
    c.hold_links = false;
    while (c.step()) {}
    EXPECT_FALSE(c.svc[2]->pending(kSeg, 3));  // the early report settled it
    // Host 2 now holds the unit: another direct fetch is sent to its daemon.
    EXPECT_EQ(c.direct(q2, 3), EAGAIN);
    ASSERT_EQ(c.fault(q2, 3, false), 0);
    EXPECT_EQ(reinterpret_cast<std::uint32_t*>(q2.mem + 3 * 4096)[2], 9u);
}

TEST(DsmService, UnreportedInstallFailsLocalWaitersInBoundedTime) {
    Cluster c(15);
    FakeProcess& p2 = *c.procs[1];
    FakeProcess& q2 = c.add_process(2, 2002);
    ASSERT_EQ(c.direct(p2, 0, false), 0);  // p2 stops before it writes the bytes
    EXPECT_EQ(c.fault(q2, 0, false), ETIMEDOUT);
    EXPECT_TRUE(c.svc[2]->pending(kSeg, 0));  // p2 keeps it, as a stopped holder does
}

TEST(DsmService, WriterHostLostLosesItsUnitsOnly) {
    Cluster c(99);
    FakeProcess& p2 = *c.procs[1];  // host 2
    FakeProcess& p3 = *c.procs[2];  // host 3
    ASSERT_EQ(c.fault(p2, 0, true), 0);  // host 2 writes unit 0
    reinterpret_cast<std::uint32_t*>(p2.mem)[0] = 7;
    ASSERT_EQ(c.fault(p3, 1, true), 0);  // host 3 writes unit 1
    while (c.step()) {}
    c.svc[1]->host_lost(2);
    c.svc[3]->host_lost(2);
    EXPECT_EQ(c.fault(p3, 0, false), EIO);  // the only copy of unit 0 died with host 2
    EXPECT_EQ(c.fault(p3, 2, false), 0);    // others still work
    FakeProcess& p1 = *c.procs[0];
    EXPECT_EQ(c.fault(p1, 1, false), 0);
}

TEST(DsmService, HomeLostLosesTheSegmentEverywhere) {
    Cluster c(5);
    FakeProcess& p3 = *c.procs[2];
    ASSERT_EQ(c.fault(p3, 0, false), 0);
    while (c.step()) {}
    c.svc[3]->host_lost(1);
    while (c.step()) {}
    EXPECT_EQ(p3.view[0], Level::none);  // revoked: nothing stale stays readable
    EXPECT_EQ(c.fault(p3, 1, false), EIDRM);
}

TEST(DsmService, UnackedRevokeFailsTheRequesterAndKeepsTheHolder) {
    Cluster c(6);
    FakeProcess& p2 = *c.procs[1];
    FakeProcess& p3 = *c.procs[2];
    ASSERT_EQ(c.fault(p2, 0, true), 0);
    while (c.step()) {}
    // Host 2's process stops answering revokes (as if stopped with SIGSTOP).
    c.frozen.insert(p2.service);
    EXPECT_EQ(c.fault(p3, 0, false), ETIMEDOUT);
    EXPECT_EQ(p2.view[0], Level::write);
}
