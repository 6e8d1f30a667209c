// The home's coherence protocol, simulated: hosts read and write units
// through the actions the directory emits, and every read must return the
// last value written anywhere (strict consistency), with at most one writer
// or only readers at any time. Random schedules, with residency and lost hosts.
#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <random>
#include <set>

#include "dsm/home_directory.hpp"

using namespace papers::dipcd::dsm;

namespace {

struct Sim {
    static constexpr std::uint32_t kHome = 1;
    Sim(std::uint64_t units, int hosts, std::int64_t residency)
        : dir(units, kHome, residency), master(units, 0), latest(units, 0) {
        for (int h = 1; h <= hosts; ++h) {
            copy[h].assign(units, 0);
            level[h].assign(units, Level::none);
        }
        for (std::uint64_t u = 0; u < units; ++u) level[kHome][u] = Level::write;
    }
    HomeDirectory dir;
    std::vector<std::uint64_t> master, latest;
    std::map<std::uint32_t, std::vector<std::uint64_t>> copy;
    std::map<std::uint32_t, std::vector<Level>> level;
    std::map<std::uint64_t, std::pair<std::uint32_t, bool>> outstanding;  // token -> (host, write)
    std::vector<Action> revokes_in_flight;
    std::set<std::uint32_t> dead;
    std::uint64_t next_token = 1, grants = 0, fails = 0;

    void check_invariant(std::uint64_t u) {
        int writers = 0, readers = 0;
        for (auto& [h, l] : level) {
            if (dead.count(h)) continue;
            if (l[u] == Level::write) ++writers;
            if (l[u] == Level::read) ++readers;
        }
        ASSERT_LE(writers, 1) << "unit " << u;
        if (writers) {
            ASSERT_EQ(readers, 0) << "unit " << u;
        }
    }
    void apply(std::int64_t now) {
        for (auto& a : dir.take_actions()) {
            if (a.type == Action::Type::revoke) {
                revokes_in_flight.push_back(a);
            } else if (a.type == Action::Type::grant) {
                auto [h, w] = outstanding.at(a.token);
                outstanding.erase(a.token);
                ASSERT_EQ(h, a.host);
                if (a.with_data) copy[h][a.unit] = master[a.unit];
                level[h][a.unit] = a.level;
                ASSERT_TRUE(!w || a.level == Level::write);
                ++grants;
                check_invariant(a.unit);
            } else {
                outstanding.erase(a.token);
                ++fails;
            }
        }
        (void)now;
    }
    void deliver_revoke(std::size_t i, std::int64_t now) {
        Action a = revokes_in_flight[i];
        revokes_in_flight.erase(revokes_in_flight.begin() + static_cast<long>(i));
        if (dead.count(a.host)) return;
        if (a.want_data) master[a.unit] = copy[a.host][a.unit];
        level[a.host][a.unit] = a.level;
        dir.revoked(a.host, a.unit, now);
    }
};

void run(std::uint32_t seed, int hosts, std::uint64_t units, std::int64_t residency, bool kill) {
    std::mt19937 rng(seed);
    Sim s(units, hosts, residency);
    std::int64_t now = 0;
    std::uint64_t reads_checked = 0;
    for (int step = 0; step < 20000; ++step) {
        now += 1000;
        s.dir.expire(now);
        s.apply(now);
        int what = rng() % 10;
        std::uint32_t h = 1 + rng() % hosts;
        std::uint64_t u = rng() % units;
        if (s.dead.count(h)) continue;
        if (kill && step == 10000 && h != Sim::kHome) {
            s.dead.insert(h);
            // Units it wrote are lost: remember which, to check the EIO answers.
            s.dir.host_lost(h, now);
            s.apply(now);
            for (auto it = s.revokes_in_flight.begin(); it != s.revokes_in_flight.end();)
                it = it->host == h ? s.revokes_in_flight.erase(it) : it + 1;
            continue;
        }
        if (what < 4 && !s.revokes_in_flight.empty()) {
            s.deliver_revoke(rng() % s.revokes_in_flight.size(), now);
            s.apply(now);
        } else if (what < 7) {
            // A read: local if allowed, else a request.
            if (s.level[h][u] != Level::none) {
                ASSERT_EQ(s.copy[h][u], s.latest[u]) << "stale read, seed " << seed << " host " << h << " unit " << u;
                ++reads_checked;
            } else {
                bool asked = false;
                for (auto& [t, hw] : s.outstanding) asked |= hw.first == h;
                if (asked) continue;  // one request per host at a time, as one thread
                std::uint64_t t = s.next_token++;
                s.outstanding[t] = {h, false};
                s.dir.request(t, h, u, false, now);
                s.apply(now);
            }
        } else {
            if (s.level[h][u] == Level::write) {
                s.copy[h][u] = ++s.latest[u];
            } else {
                bool asked = false;
                for (auto& [t, hw] : s.outstanding) asked |= hw.first == h;
                if (asked) continue;
                std::uint64_t t = s.next_token++;
                s.outstanding[t] = {h, true};
                s.dir.request(t, h, u, true, now);
                s.apply(now);
            }
        }
    }
    EXPECT_GT(reads_checked, 1000u) << "seed " << seed;
    EXPECT_GT(s.grants, 1000u) << "seed " << seed;
    if (!kill) {
        EXPECT_EQ(s.fails, 0u);
    }
}

}  // namespace

TEST(DsmHome, RandomSchedulesAreStrictlyConsistent) {
    for (std::uint32_t seed = 1; seed <= 12; ++seed) run(seed, 3, 4, 0, false);
}

TEST(DsmHome, ResidencyDelaysButKeepsConsistency) {
    for (std::uint32_t seed = 20; seed <= 25; ++seed) run(seed, 3, 2, 5000, false);
}

TEST(DsmHome, LostHostLosesOnlyWhatItAloneHeld) {
    for (std::uint32_t seed = 40; seed <= 45; ++seed) run(seed, 3, 4, 0, true);
}

TEST(DsmHome, WriterLostMeansUnitLostAndRequestsFailWithEio) {
    HomeDirectory d(2, 1, 0);
    d.request(1, 2, 0, true, 0);  // host 2 takes unit 0 for writing
    auto a = d.take_actions();
    ASSERT_EQ(a.size(), 1u);      // revoke the home
    ASSERT_EQ(a[0].type, Action::Type::revoke);
    EXPECT_TRUE(a[0].want_data);
    d.revoked(1, 0, 0);
    a = d.take_actions();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].type, Action::Type::grant);
    EXPECT_EQ(a[0].level, Level::write);
    EXPECT_TRUE(a[0].with_data);
    d.host_lost(2, 0);
    EXPECT_TRUE(d.lost(0));
    EXPECT_FALSE(d.lost(1));
    d.request(2, 3, 0, false, 0);
    a = d.take_actions();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].type, Action::Type::fail);
    EXPECT_EQ(a[0].err, EIO);
    d.request(3, 3, 1, false, 0);  // the other unit still works
    a = d.take_actions();
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a[0].type, Action::Type::revoke);  // home downgraded to reader
}

TEST(DsmHome, ResidencyQuantumHoldsTheUnit) {
    HomeDirectory d(1, 1, 1000000);
    d.request(1, 2, 0, true, 0);
    d.take_actions();
    d.revoked(1, 0, 0);
    d.take_actions();              // host 2 writes since t=0
    d.request(2, 3, 0, true, 10);  // host 3 wants it at t=10
    EXPECT_TRUE(d.take_actions().empty());
    ASSERT_TRUE(d.next_wakeup());
    EXPECT_EQ(*d.next_wakeup(), 1000000);
    d.expire(999999);
    EXPECT_TRUE(d.take_actions().empty());
    d.expire(1000000);
    auto a = d.take_actions();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].type, Action::Type::revoke);
    EXPECT_EQ(a[0].host, 2u);
}

TEST(DsmHome, RevokeThatTimesOutFailsTheRequestAndKeepsTheHolder) {
    HomeDirectory d(1, 1, 0);
    d.request(1, 2, 0, false, 0);  // host 2 reads: home downgraded
    auto a = d.take_actions();
    d.revoked(1, 0, 0);
    d.take_actions();
    d.request(2, 3, 0, true, 0);   // host 3 writes: revoke home and host 2
    a = d.take_actions();
    ASSERT_EQ(a.size(), 2u);
    d.revoked(1, 0, 0);
    d.revoke_failed(2, 0, 0);
    a = d.take_actions();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].type, Action::Type::fail);
    EXPECT_EQ(a[0].err, ETIMEDOUT);
    EXPECT_EQ(d.level_of(2, 0), Level::read);
    EXPECT_EQ(d.level_of(3, 0), Level::none);
}
