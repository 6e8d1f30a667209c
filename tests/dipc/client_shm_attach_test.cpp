// shmat, shmdt and the mapping of a distributed segment, against the fake
// daemon (each test in a child process): the service connection exists
// before the first shmat, the host copy's memfd is mapped shared and not
// present, addresses and flags are treated as the kernel treats them, and
// shmdt unmaps and tells the daemon.
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "client_dsm_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

// An address range of `bytes` that is free now (reserved, then released).
std::uintptr_t free_range(std::size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, bytes);
    return reinterpret_cast<std::uintptr_t>(p);
}

bool is_mapped(const void* p) { return msync(const_cast<void*>(p), 1, MS_ASYNC) == 0; }

}  // namespace

TEST(ClientShmAttach, MapsTheHostCopyNotPresentAfterOpeningTheServiceConnection) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        bool service_first = false;
        env.fake.on_request([&](const Request& r) {
            if (r.op == proto::Op::shmat) service_first = env.fake.service_connection(r.pid) != 0;
            return Action::standard();
        });
        std::uint8_t* host = env.fake.add_segment(DsmEnv::kShmid, 3 * 4096 + 100);
        std::memcpy(host + 4096, "hello", 6);
        auto* p = static_cast<std::uint8_t*>(shmat(DsmEnv::kShmid, nullptr, 0));
        ASSERT_NE(p, reinterpret_cast<void*>(-1)) << std::strerror(errno);
        EXPECT_TRUE(service_first);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 4096, 0u);
        auto at = env.fake.requests(proto::Op::shmat).at(0).as<proto::ShmatReq>();
        EXPECT_EQ(at.id, DsmEnv::kShmid);
        EXPECT_EQ(at.flags, 0);
        for (int page = 0; page < 4; ++page) EXPECT_EQ(real_prot(p + page * 4096), "--") << page;
        // The first read fetches the unit; the bytes are the host copy's.
        EXPECT_EQ(std::memcmp(p + 4096, "hello", 6), 0);
        EXPECT_EQ(faults(env.fake), (std::vector<std::pair<std::uint64_t, bool>>{{1, false}}));
        EXPECT_EQ(real_prot(p + 4096), "r-");
        EXPECT_EQ(real_prot(p), "--");
        // A write upgrades; the host copy sees it (the same memfd).
        store(p + 4097, 'E');
        EXPECT_EQ(host[4097], 'E');
        EXPECT_EQ(real_prot(p + 4096), "rw");
        EXPECT_EQ(faults(env.fake), (std::vector<std::pair<std::uint64_t, bool>>{{1, false}, {1, true}}));
        // The last page, past the segment's size, is the segment's too.
        store(p + 3 * 4096 + 4000, 7);
        EXPECT_EQ(host[3 * 4096 + 4000], 7);
        EXPECT_EQ(faults(env.fake).back(), (std::pair<std::uint64_t, bool>{3, true}));
    }));
}

TEST(ClientShmAttach, AddressesAsTheKernelTakesThem) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        env.fake.add_segment(DsmEnv::kShmid, 8192);
        // The first attach starts the layer's threads, whose stacks go where
        // the kernel puts new mappings: before the free range is chosen.
        ASSERT_EQ(shmdt(shmat(DsmEnv::kShmid, nullptr, 0)), 0);
        // An aligned address is used as it is.
        std::uintptr_t want = free_range(1 << 20);
        void* p = shmat(DsmEnv::kShmid, reinterpret_cast<void*>(want), 0);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p), want);
        EXPECT_EQ(shmdt(p), 0);
        // SHM_RND rounds down to SHMLBA; without it a misaligned address is EINVAL.
        p = shmat(DsmEnv::kShmid, reinterpret_cast<void*>(want + 100), SHM_RND);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p), want);
        std::size_t shmats = env.fake.requests(proto::Op::shmat).size();
        errno = 0;
        EXPECT_EQ(shmat(DsmEnv::kShmid, reinterpret_cast<void*>(want + 100), 0), reinterpret_cast<void*>(-1));
        EXPECT_EQ(errno, EINVAL);
        // SHM_REMAP needs an address.
        EXPECT_EQ(shmat(DsmEnv::kShmid, nullptr, SHM_REMAP), reinterpret_cast<void*>(-1));
        EXPECT_EQ(errno, EINVAL);
        EXPECT_EQ(env.fake.requests(proto::Op::shmat).size(), shmats);  // checked before asking
        // Overlapping a mapping: EINVAL, after the owner's checks (a
        // check-only shmat) and before anything is counted (no attach, no
        // shmdt: the kernel stamps nothing either); with SHM_REMAP the old
        // mapping goes.
        void* other = mmap(reinterpret_cast<void*>(want + (1 << 19)), 4096, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        ASSERT_NE(other, MAP_FAILED);
        const std::size_t dts_before = env.fake.requests(proto::Op::shmdt).size();
        errno = 0;
        EXPECT_EQ(shmat(DsmEnv::kShmid, reinterpret_cast<char*>(other) - 4096, 0), reinterpret_cast<void*>(-1));
        EXPECT_EQ(errno, EINVAL);
        auto ats = env.fake.requests(proto::Op::shmat);
        ASSERT_EQ(ats.size(), shmats + 1);
        EXPECT_TRUE(ats.back().as<proto::ShmatReq>().flags & proto::kShmatCheckOnly);
        EXPECT_EQ(env.fake.requests(proto::Op::shmdt).size(), dts_before);
        EXPECT_TRUE(is_mapped(other));
        EXPECT_FALSE(is_mapped(reinterpret_cast<char*>(other) - 4096));  // the reservation is gone again
        void* q = shmat(DsmEnv::kShmid, reinterpret_cast<char*>(other) - 4096, SHM_REMAP);
        EXPECT_EQ(q, reinterpret_cast<char*>(other) - 4096);
        EXPECT_EQ(real_prot(other), "--");  // the segment's second page now
        EXPECT_EQ(shmdt(q), 0);
        EXPECT_EQ(shmdt(p), 0);
    }));
}

TEST(ClientShmAttach, ShmdtUnmapsTellsTheDaemonAndRefusesOtherAddresses) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(3 * 4096);
        std::uint64_t handle = env.fake.handles().begin()->first;
        store(p, 1);
        errno = 0;
        EXPECT_EQ(shmdt(p + 4096), -1);  // not where an attachment starts
        EXPECT_EQ(errno, EINVAL);
        EXPECT_EQ(shmdt(p + 1), -1);
        EXPECT_EQ(errno, EINVAL);
        EXPECT_TRUE(env.fake.requests(proto::Op::shmdt).empty());
        EXPECT_EQ(shmdt(p), 0);
        auto dts = env.fake.requests(proto::Op::shmdt);
        ASSERT_EQ(dts.size(), 1u);
        EXPECT_EQ(dts[0].as<proto::ShmdtReq>().attach, handle);
        for (int page = 0; page < 3; ++page) EXPECT_FALSE(is_mapped(p + page * 4096));
        EXPECT_EQ(shmdt(p), -1);
        EXPECT_EQ(errno, EINVAL);
    }));
}

TEST(ClientShmAttach, DaemonErrorsComeBackAsErrnoAndMapNothing) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        env.fake.on_request([](const Request& r) {
            if (r.op == proto::Op::shmat) return Action::answer(err_reply(EACCES));
            return Action::standard();
        });
        errno = 0;
        EXPECT_EQ(shmat(DsmEnv::kShmid, nullptr, SHM_RDONLY), reinterpret_cast<void*>(-1));
        EXPECT_EQ(errno, EACCES);
        EXPECT_EQ(env.fake.requests(proto::Op::shmat).at(0).as<proto::ShmatReq>().flags, SHM_RDONLY);
    }));
}

TEST(ClientShmAttach, ReadOnlyAttachmentIsMappedFromAReadOnlyDescriptor) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096, SHM_RDONLY);
        env.host[5] = 9;
        EXPECT_EQ(load(p + 5), 9);
        EXPECT_EQ(real_prot(p), "r-");
        EXPECT_EQ(faults(env.fake), (std::vector<std::pair<std::uint64_t, bool>>{{0, false}}));
        // The kernel's own answer to making it writable.
        errno = 0;
        EXPECT_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), -1);
        EXPECT_EQ(errno, EACCES);
        EXPECT_EQ(syscall(SYS_mprotect, p, 4096, PROT_READ | PROT_WRITE), -1);
        EXPECT_EQ(errno, EACCES);
    }));
}

TEST(ClientShmAttach, WholeSegmentUnitsCoverEveryPage) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(3 * 4096, 0, 4 * 4096);
        EXPECT_EQ(load(p + 2 * 4096 + 8), 0);
        EXPECT_EQ(faults(env.fake), (std::vector<std::pair<std::uint64_t, bool>>{{0, false}}));
        for (int page = 0; page < 3; ++page) EXPECT_EQ(real_prot(p + page * 4096), "r-") << page;
        store(p, 1);
        EXPECT_EQ(faults(env.fake).size(), 2u);
        for (int page = 0; page < 3; ++page) EXPECT_EQ(real_prot(p + page * 4096), "rw") << page;
    }));
}

TEST(ClientShmAttach, ShmExecMakesGrantedPagesExecutable) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096, SHM_EXEC);
        EXPECT_EQ(env.fake.requests(proto::Op::shmat).at(0).as<proto::ShmatReq>().flags, SHM_EXEC);
        EXPECT_EQ(real_perms(p), "---");
        load(p);
        EXPECT_EQ(real_perms(p), "r-x");
        store(p, 0xc3);  // ret
        EXPECT_EQ(real_perms(p), "rwx");
    }));
}
