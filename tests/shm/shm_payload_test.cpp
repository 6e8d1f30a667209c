// Payloads larger than a slot (64 KiB per rank) go through several pipelined
// steps; check every data operation at such sizes, including reductions
// whose floating-point result must equal the rank-order reference bit for
// bit, and long runs of small mixed operations (epoch/parity reuse).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "papers/papers.h"
#include "shm_job.hpp"

namespace papers::test {
namespace {

using Report = std::function<void(const std::string&)>;

std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
unsigned char byte_of(int rank, std::size_t i, unsigned salt) {
    return static_cast<unsigned char>(mix((std::uint64_t(salt) << 40) ^ (std::uint64_t(rank) << 32) ^ i));
}
double double_of(int rank, std::size_t i) {
    return double(std::int64_t(mix(std::uint64_t(rank) << 32 ^ i) >> 12) % 2000003) / 997.0;
}

struct Checker {
    const Report& report;
    int failures = 0;
    void expect(bool ok, const std::string& what) {
        if (!ok) {
            ++failures;
            report("FAIL " + what + "\n");
        }
    }
};

int large_body(const RankSpec&, const Report& report) {
    if (int rc = papers_init(); rc) {
        report(std::string("init: ") + papers_errmsg() + "\n");
        return 2;
    }
    const int me = papers_rank(), n = papers_size();
    Checker c{report};

    // bcast of 1 MiB + 13 bytes from every root.
    for (int root = 0; root < n; ++root) {
        const std::size_t bytes = (1u << 20) + 13;
        std::vector<unsigned char> buf(bytes);
        for (std::size_t i = 0; i < bytes; ++i) buf[i] = me == root ? byte_of(root, i, 1) : 0;
        int rc = papers_bcast(buf.data(), bytes, root);
        bool ok = rc == 0;
        for (std::size_t i = 0; ok && i < bytes; ++i) ok = buf[i] == byte_of(root, i, 1);
        c.expect(ok, "bcast 1 MiB root " + std::to_string(root) + " rc " + std::to_string(rc));
    }
    // gather of 200 000 bytes per rank, then in place (in = my block of out).
    {
        const std::size_t bytes = 200000;
        std::vector<unsigned char> in(bytes), out(bytes * n);
        for (std::size_t i = 0; i < bytes; ++i) in[i] = byte_of(me, i, 2);
        int rc = papers_gather(in.data(), out.data(), bytes);
        bool ok = rc == 0;
        for (int r = 0; r < n && ok; ++r)
            for (std::size_t i = 0; ok && i < bytes; ++i) ok = out[r * bytes + i] == byte_of(r, i, 2);
        c.expect(ok, "gather 200000");
        std::vector<unsigned char> io(bytes * n, 0);
        std::memcpy(&io[me * bytes], in.data(), bytes);
        rc = papers_gather(&io[me * bytes], io.data(), bytes);
        c.expect(rc == 0 && io == out, "gather 200000 in place");
    }
    // putget of 300 000 bytes: shift by one, and everyone from rank 0, in place.
    for (int pattern = 0; pattern < 2; ++pattern) {
        const std::size_t bytes = 300000;
        const int src = pattern == 0 ? (me + 1) % n : 0;
        std::vector<unsigned char> io(bytes);
        for (std::size_t i = 0; i < bytes; ++i) io[i] = byte_of(me, i, 3);
        int rc = papers_putget(io.data(), io.data(), bytes, src);
        bool ok = rc == 0;
        for (std::size_t i = 0; ok && i < bytes; ++i) ok = io[i] == byte_of(src, i, 3);
        c.expect(ok, "putget 300000 pattern " + std::to_string(pattern));
    }
    // reduce: 100 003 doubles (SUM, PROD of values near 1, MIN), int32 SUM,
    // uint8 BXOR; the double reference is combined in rank order.
    for (std::size_t count : {std::size_t(100003), std::size_t(8193), std::size_t(1024)}) {
        std::vector<double> in(count), out(count), want(count);
        for (std::size_t i = 0; i < count; ++i) in[i] = double_of(me, i);
        for (std::size_t i = 0; i < count; ++i) {
            double a = double_of(0, i);
            for (int r = 1; r < n; ++r) a = a + double_of(r, i);
            want[i] = a;
        }
        int rc = papers_reduce(in.data(), out.data(), count, PAPERS_DOUBLE, PAPERS_SUM);
        c.expect(rc == 0 && std::memcmp(out.data(), want.data(), count * 8) == 0,
                 "reduce double SUM count " + std::to_string(count));
        for (std::size_t i = 0; i < count; ++i) {
            double a = 1 + double_of(0, i) * 1e-6;
            for (int r = 1; r < n; ++r) a = a * (1 + double_of(r, i) * 1e-6);
            want[i] = a;
        }
        std::vector<double> io(count);
        for (std::size_t i = 0; i < count; ++i) io[i] = 1 + double_of(me, i) * 1e-6;
        rc = papers_reduce(io.data(), io.data(), count, PAPERS_DOUBLE, PAPERS_PROD);
        c.expect(rc == 0 && std::memcmp(io.data(), want.data(), count * 8) == 0,
                 "reduce double PROD in place count " + std::to_string(count));
    }
    {
        const std::size_t count = 100000;
        std::vector<std::int32_t> in(count), out(count);
        std::vector<std::uint8_t> bx(count), bxo(count);
        for (std::size_t i = 0; i < count; ++i) {
            in[i] = std::int32_t(mix(me * 7919 + i));
            bx[i] = byte_of(me, i, 4);
        }
        int rc = papers_reduce(in.data(), out.data(), count, PAPERS_INT32, PAPERS_SUM);
        bool ok = rc == 0;
        for (std::size_t i = 0; ok && i < count; ++i) {
            std::uint32_t s = 0;
            for (int r = 0; r < n; ++r) s += std::uint32_t(std::int32_t(mix(r * 7919 + i)));
            ok = std::uint32_t(out[i]) == s;
        }
        c.expect(ok, "reduce int32 SUM 100000");
        rc = papers_reduce(bx.data(), bxo.data(), count, PAPERS_UINT8, PAPERS_BXOR);
        ok = rc == 0;
        for (std::size_t i = 0; ok && i < count; ++i) {
            unsigned char x = 0;
            for (int r = 0; r < n; ++r) x ^= byte_of(r, i, 4);
            ok = bxo[i] == x;
        }
        c.expect(ok, "reduce uint8 BXOR 100000");
    }
    const int frc = papers_finalize();
    c.expect(frc == 0, "finalize");
    return c.failures ? 1 : 0;
}

// Many small operations back to back: the two slot parities and the barrier
// epochs are reused thousands of times with no reset.
int churn_body(const RankSpec&, const Report& report) {
    if (papers_init()) return 2;
    const int me = papers_rank(), n = papers_size();
    Checker c{report};
    for (int it = 0; it < 3000 && c.failures < 5; ++it) {
        c.expect(papers_barrier() == 0, "barrier");
        std::int64_t v = me + it, sum = 0;
        c.expect(papers_reduce(&v, &sum, 1, PAPERS_INT64, PAPERS_SUM) == 0 &&
                     sum == std::int64_t(n) * it + n * (n - 1) / 2,
                 "reduce it " + std::to_string(it));
        int x = me == it % n ? it : -1;
        c.expect(papers_bcast(&x, sizeof x, it % n) == 0 && x == it, "bcast it " + std::to_string(it));
        c.expect(papers_any(me == it % n) == 1, "any");
        c.expect(papers_all(me != it % n) == 0, "all");
    }
    c.expect(papers_finalize() == 0, "finalize");
    return c.failures ? 1 : 0;
}

class ShmPayload : public ::testing::TestWithParam<int> {};

TEST_P(ShmPayload, LargePayloadsCrossManySlots) {
    JobOptions opt;
    opt.job = unique_job_id("large");
    opt.timeout_s = 20;
    opt.watchdog_s = 100;
    auto res = run_job(ranks_of(GetParam()), large_body, opt);
    for (auto& r : res) EXPECT_EQ(r.exit_code, 0) << r.text;
    EXPECT_FALSE(segment_exists(opt.job));
    remove_segment(opt.job);
}

TEST_P(ShmPayload, ThousandsOfSmallOperationsInARow) {
    JobOptions opt;
    opt.job = unique_job_id("churn");
    opt.timeout_s = 20;
    opt.watchdog_s = 100;
    auto res = run_job(ranks_of(GetParam()), churn_body, opt);
    for (auto& r : res) EXPECT_EQ(r.exit_code, 0) << r.text;
    EXPECT_FALSE(segment_exists(opt.job));
    remove_segment(opt.job);
}

INSTANTIATE_TEST_SUITE_P(Ranks, ShmPayload, ::testing::Values(1, 2, 3, 4),
                         [](const auto& info) { return "N" + std::to_string(info.param); });

}  // namespace
}  // namespace papers::test
