// Three daemons' DSM services wired together in one process, with fake
// local processes that map the real memfds, apply grants and revokes as the
// interposer does, and check every read against the last value written
// anywhere. Messages between daemons and to processes are delivered in a
// random order, so grants race with revokes.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
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
    std::deque<std::function<void()>> events;  // messages in flight
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
            io.page_revoke = [this](std::uint32_t host, const proto::PageRevoke& r, Respond respond) {
                events.push_back([this, host, r, respond] {
                    svc[host]->page_revoke(r, [this, respond](proto::Reply rep) {
                        events.push_back([respond, rep] { respond(rep); });
                    });
                });
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
        if (events.empty()) return false;
        std::size_t i = rng() % events.size();
        auto e = std::move(events[i]);
        events.erase(events.begin() + static_cast<long>(i));
        e();
        return true;
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
