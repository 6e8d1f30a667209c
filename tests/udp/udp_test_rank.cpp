// udp_test_rank — one rank of the udp backend's job tests (udp_job_test):
//   --mode large     long messages (fragmentation, flow control, Rabenseifner,
//                    rank-order float sums), checked against local references
//   --mode dead --victim V --after K
//                    K barriers, then rank V exits without a word; the others
//                    call one more barrier and print its error
//   --mode key-gone KEY   after papers_init PAPERS_KEY is neither in the
//                    environment nor in /proc/self/environ
//   --mode reinit    three papers_init/papers_finalize sessions in a row
//   --mode mismatch  rank 0 calls barrier, the others bcast: rank 0 must
//                    see PAPERS_EMISMATCH
//   --mode late --victim V --after MS
//                    rank V starts MS ms late (its port unbound while the
//                    others send it their handshake); after papers_init every
//                    rank computes for 1.5 s (longer than the test's
//                    PAPERS_TIMEOUT), then a barrier and a sum must succeed
//   --mode compute --after K
//                    K rounds of: a barrier, then 1.5 s of computing (longer
//                    than the test's PAPERS_TIMEOUT) on every rank; with
//                    datagrams dropped, a peer waits for a lost one while
//                    its sender computes
// Prints "checks=C failures=F" or the error; exit 0 when as expected.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <string>
#include <unistd.h>
#include <vector>

#include "papers/papers.h"

namespace {

int checks = 0, failures = 0;
int me = 0, n = 1;

void check(bool ok, const std::string& what) {
    ++checks;
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAIL rank %d: %s\n", me, what.c_str());
    }
}

bool rc_ok(int rc, const char* what) {
    if (rc >= 0) return true;
    ++checks;
    ++failures;
    std::fprintf(stderr, "FAIL rank %d: %s: %s: %s\n", me, what, papers_strerror(rc), papers_errmsg());
    return false;
}

std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
std::uint64_t val(int rank, std::size_t i, unsigned salt) { return mix((std::uint64_t(salt) << 40) ^ (std::uint64_t(rank) << 32) ^ i); }
double dval(int rank, std::size_t i, unsigned salt) {
    return double(std::int64_t(val(rank, i, salt) >> 20) % 2000001 - 1000000) / 977.0;
}

void large() {
    // bcast of 300 KB from the last rank.
    {
        const std::size_t bytes = 300 * 1024;
        const int root = n - 1;
        std::vector<std::uint8_t> buf(bytes), want(bytes);
        for (std::size_t i = 0; i < bytes; ++i) want[i] = std::uint8_t(val(root, i, 1));
        buf = me == root ? want : std::vector<std::uint8_t>(bytes, 0xEE);
        if (rc_ok(papers_bcast(buf.data(), bytes, root), "bcast 300K")) check(buf == want, "bcast 300K data");
    }
    // 20 small bcasts back to back (crosses the flow-control barrier).
    for (int k = 0; k < 20; ++k) {
        std::uint32_t v = me == k % n ? 1000u + unsigned(k) : 0;
        if (rc_ok(papers_bcast(&v, sizeof v, k % n), "bcast run")) check(v == 1000u + unsigned(k), "bcast run value");
    }
    // all-gather of 70 KB per rank.
    {
        const std::size_t bytes = 70 * 1024;
        std::vector<std::uint8_t> in(bytes), out(bytes * n), want(bytes * n);
        for (int r = 0; r < n; ++r)
            for (std::size_t i = 0; i < bytes; ++i) want[r * bytes + i] = std::uint8_t(val(r, i, 2));
        std::memcpy(in.data(), &want[me * bytes], bytes);
        if (rc_ok(papers_gather(in.data(), out.data(), bytes), "gather 70K")) check(out == want, "gather 70K data");
    }
    // int32 SUM of 40000 elements (Rabenseifner), uint64 BXOR of 9000.
    {
        const std::size_t count = 40000;
        std::vector<std::int32_t> in(count), out(count);
        std::vector<std::uint32_t> want(count, 0);
        for (std::size_t i = 0; i < count; ++i) {
            in[i] = std::int32_t(std::uint32_t(val(me, i, 3)));
            for (int r = 0; r < n; ++r) want[i] += std::uint32_t(val(r, i, 3));
        }
        if (rc_ok(papers_reduce(in.data(), out.data(), count, PAPERS_INT32, PAPERS_SUM), "reduce int32 sum")) {
            bool ok = true;
            for (std::size_t i = 0; i < count; ++i) ok &= std::uint32_t(out[i]) == want[i];
            check(ok, "reduce int32 sum 40000");
        }
        const std::size_t c2 = 9000;
        std::vector<std::uint64_t> a(c2), b(c2), w(c2, 0);
        for (std::size_t i = 0; i < c2; ++i) {
            a[i] = val(me, i, 4);
            for (int r = 0; r < n; ++r) w[i] ^= val(r, i, 4);
        }
        if (rc_ok(papers_reduce(a.data(), b.data(), c2, PAPERS_UINT64, PAPERS_BXOR), "reduce u64 bxor"))
            check(b == w, "reduce uint64 bxor 9000");
    }
    // double SUM of 20000 in rank order; float MAX of 30000.
    {
        const std::size_t count = 20000;
        std::vector<double> in(count), out(count), want(count);
        for (std::size_t i = 0; i < count; ++i) {
            in[i] = dval(me, i, 5);
            double acc = dval(0, i, 5);
            for (int r = 1; r < n; ++r) acc = acc + dval(r, i, 5);
            want[i] = acc;
        }
        if (rc_ok(papers_reduce(in.data(), out.data(), count, PAPERS_DOUBLE, PAPERS_SUM), "reduce double sum"))
            check(std::memcmp(out.data(), want.data(), count * sizeof(double)) == 0, "reduce double sum bits");
        const std::size_t c2 = 30000;
        std::vector<float> f(c2), g(c2), fw(c2);
        for (std::size_t i = 0; i < c2; ++i) {
            f[i] = float(dval(me, i, 6));
            float m = float(dval(0, i, 6));
            for (int r = 1; r < n; ++r) m = std::max(m, float(dval(r, i, 6)));
            fw[i] = m;
        }
        if (rc_ok(papers_reduce(f.data(), g.data(), c2, PAPERS_FLOAT, PAPERS_MAX), "reduce float max"))
            check(std::memcmp(g.data(), fw.data(), c2 * sizeof(float)) == 0, "reduce float max bits");
    }
    // putget of 40 KB, everyone reads its right neighbour; then all read rank 0.
    for (int pattern = 0; pattern < 2; ++pattern) {
        const std::size_t bytes = 40 * 1024;
        const int src = pattern == 0 ? (me + 1) % n : 0;
        std::vector<std::uint8_t> in(bytes), out(bytes), want(bytes);
        for (std::size_t i = 0; i < bytes; ++i) {
            in[i] = std::uint8_t(val(me, i, 7));
            want[i] = std::uint8_t(val(src, i, 7));
        }
        if (rc_ok(papers_putget(in.data(), out.data(), bytes, src), "putget 40K")) check(out == want, "putget 40K data");
    }
    rc_ok(papers_barrier(), "final barrier");
}

}  // namespace

int main(int argc, char** argv) {
    std::string mode = "large";
    int victim = 1, after = 3;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--mode") && i + 1 < argc) mode = argv[++i];
        else if (!std::strcmp(argv[i], "--victim") && i + 1 < argc) victim = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--after") && i + 1 < argc) after = std::atoi(argv[++i]);
    }
    if (mode == "late" && std::atoi(std::getenv("PAPERS_RANK") ? std::getenv("PAPERS_RANK") : "0") == victim)
        std::this_thread::sleep_for(std::chrono::milliseconds(after));
    if (int rc = papers_init()) {
        std::printf("init failed: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 3;
    }
    me = papers_rank();
    n = papers_size();
    if (mode == "large") {
        large();
        const int frc = papers_finalize();
        std::printf("rank %d: checks=%d failures=%d\n", me, checks, failures);
        return failures || frc ? 1 : 0;
    }
    if (mode == "dead") {
        for (int k = 0; k < after; ++k)
            if (!rc_ok(papers_barrier(), "barrier before the death")) return 1;
        if (me == victim) _exit(0);  // no finalize, no goodbye
        const auto t0 = std::chrono::steady_clock::now();
        const int rc = papers_barrier();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("rank %d: rc=%d (%s) after %.2f s: %s\n", me, rc, papers_strerror(rc), s,
                    rc ? papers_errmsg() : "");
        papers_finalize();
        return rc == PAPERS_ETIMEDOUT ? 0 : 1;
    }
    if (mode == "key-gone") {  // the key left the environment, /proc's copy too
        check(std::getenv("PAPERS_KEY") == nullptr, "PAPERS_KEY still in the environment");
        std::string environ_text;
        if (FILE* f = std::fopen("/proc/self/environ", "rb")) {
            char buf[4096];
            for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, f)) > 0;)
                environ_text.append(buf, got);
            std::fclose(f);
        }
        const char* key = argc > 3 ? argv[argc - 1] : "";
        check(environ_text.find(key) == std::string::npos, "the key is readable in /proc/self/environ");
        check(rc_ok(papers_barrier(), "barrier after the key left"), "barrier");
        const int frc = papers_finalize();
        std::printf("rank %d: checks=%d failures=%d\n", me, checks, failures);
        return failures == 0 && frc == 0 ? 0 : 1;
    }
    if (mode == "reinit") {  // a second session in the same process, same ports
        for (int session = 0; session < 3; ++session) {
            if (session > 0 && !rc_ok(papers_init(), "papers_init again")) return 1;
            for (int k = 0; k < 5; ++k) {
                std::int64_t v = me + 1, sum = 0;
                if (rc_ok(papers_reduce(&v, &sum, 1, PAPERS_INT64, PAPERS_SUM), "reduce"))
                    check(sum == std::int64_t(n) * (n + 1) / 2, "reduce sum in session " + std::to_string(session));
            }
            if (!rc_ok(papers_finalize(), "papers_finalize")) return 1;
        }
        std::printf("rank %d: checks=%d failures=%d\n", me, checks, failures);
        return failures ? 1 : 0;
    }
    if (mode == "mismatch") {
        int rc;
        std::uint32_t v = 7;
        if (me == 0) rc = papers_barrier();
        else rc = papers_bcast(&v, sizeof v, 1);
        std::printf("rank %d: rc=%d (%s): %s\n", me, rc, papers_strerror(rc), rc ? papers_errmsg() : "");
        papers_finalize();  // the others' final barrier times out: rank 0 is broken
        return me != 0 || rc == PAPERS_EMISMATCH ? 0 : 1;
    }
    if (mode == "compute") {
        for (int k = 0; k < after; ++k) {
            if (!rc_ok(papers_barrier(), "barrier in the compute loop")) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        }
        const int frc = papers_finalize();
        std::printf("rank %d: checks=%d failures=%d\n", me, checks, failures);
        return failures || frc ? 1 : 0;
    }
    if (mode == "late") {  // "compute" without papers calls: nobody answers retransmit requests
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        std::int64_t v = me + 1, sum = 0;
        if (rc_ok(papers_barrier(), "barrier after the pause") &&
            rc_ok(papers_reduce(&v, &sum, 1, PAPERS_INT64, PAPERS_SUM), "reduce after the pause"))
            check(sum == std::int64_t(n) * (n + 1) / 2, "sum after a late start");
        const int frc = papers_finalize();
        std::printf("rank %d: checks=%d failures=%d\n", me, checks, failures);
        return failures || frc ? 1 : 0;
    }
    std::fprintf(stderr, "unknown --mode %s\n", mode.c_str());
    return 2;
}
