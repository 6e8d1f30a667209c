// vm.max_map_count (docs/dipc-design.md, "Mappings"): when the kernel
// refuses a protection change with ENOMEM the process drops every view of
// that attachment (one mapping again) and goes on; if even that fails the
// access raises SIGBUS with a message naming vm.max_map_count. The limit is
// a global sysctl, so the refusal comes from the layer's test hook instead.
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "client_dsm_test_support.hpp"
#include "dsm_attachments.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

using Faults = std::vector<std::pair<std::uint64_t, bool>>;

// How many kernel mappings (VMAs) lie within [p, p+len).
int mappings_within(const void* p, std::size_t len) {
    auto lo = reinterpret_cast<std::uintptr_t>(p);
    std::ifstream maps("/proc/self/maps");
    std::string line;
    int n = 0;
    while (std::getline(maps, line)) {
        std::uintptr_t a = std::stoull(line.substr(0, line.find('-')), nullptr, 16);
        n += a >= lo && a < lo + len;
    }
    return n;
}

}  // namespace

TEST(ClientDsmMappings, RefusedMappingDropsTheAttachmentsViewsAndGoesOn) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4 * 4096);
        load(p);
        store(p + 2 * 4096, 1);
        ASSERT_EQ(real_prot(p), "r-");
        ASSERT_EQ(real_prot(p + 2 * 4096), "rw");
        client::dsm::testing::fail_mprotect_with_enomem(1);
        store(p + 3 * 4096, 2);  // its grant meets ENOMEM once
        EXPECT_EQ(env.host[3 * 4096], 2);
        EXPECT_EQ(real_prot(p + 3 * 4096), "rw");
        EXPECT_EQ(real_prot(p), "--");  // dropped
        EXPECT_EQ(real_prot(p + 2 * 4096), "--");
        EXPECT_EQ(load(p + 2 * 4096), 1);  // fetched again
        EXPECT_EQ(faults(env.fake), (Faults{{0, false}, {2, true}, {3, true}, {2, false}}));
    }));
}

TEST(ClientDsmMappings, ProgramsMprotectMeetingTheLimitIsServedTheSameWay) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(3 * 4096);
        store(p, 1);
        store(p + 4096, 1);
        client::dsm::testing::fail_mprotect_with_enomem(1);
        EXPECT_EQ(mprotect(p + 4096, 4096, PROT_READ), 0);
        EXPECT_EQ(real_prot(p + 4096), "--");  // the view went; the program's PROT_READ is kept
        EXPECT_EQ(load(p + 4096), 1);
        EXPECT_EQ(real_prot(p + 4096), "r-");
    }));
}

TEST(ClientDsmMappings, LimitReachedEvenWithOneMappingIsSigbusNamingTheSysctl) {
    ChildOutcome out = run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(2 * 4096);
        client::dsm::testing::fail_mprotect_with_enomem(-1);
        load(p + 4096);
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGBUS)) << describe_status(out.status) << out.err;
    EXPECT_NE(out.err.find("page 1 of shared memory segment"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("vm.max_map_count"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("sysctl vm.max_map_count="), std::string::npos) << out.err;
}

TEST(ClientDsmMappings, ManyAlternatingViewsStayWithinTheRealLimit) {
    // 2000 units with alternating views are 2000 mappings: far below the
    // default 65530, but enough to show each view change is its own run.
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        constexpr int kUnits = 2000;
        std::uint8_t* p = env.attach(kUnits * 4096);
        for (int u = 0; u < kUnits; u += 2) store(p + u * 4096, 1);
        EXPECT_EQ(mappings_within(p, kUnits * 4096), kUnits);
        EXPECT_EQ(faults(env.fake).size(), std::size_t(kUnits / 2));
    }));
}
