// cxx_api_test.cpp — papers.hpp through real PEs under papersrun: the RAII
// session, typed collectives on scalars, structs and ranges, exceptions
// with their codes, and that argument errors leave the session usable.
//
//   papersrun -np 3 build/bin/api_cxx_test
#include <papers/papers.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

int checks = 0, failures = 0;

void check(bool ok, const std::string& what) {
    ++checks;
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "FAIL (rank %d): %s\n", papers_rank(), what.c_str());
    }
}

// f must throw papers::error with `code` and a message containing `needle`.
void expect_error(const std::function<void()>& f, int code, std::string_view needle,
                  const std::string& what) {
    try {
        f();
        check(false, what + ": no exception");
    } catch (const papers::error& e) {
        check(e.code() == code && std::string_view(e.what()).find(needle) != std::string_view::npos,
              what + ": code " + std::to_string(e.code()) + ", what() '" + e.what() + "'");
    }
}

struct point {  // a trivially copyable struct moves byte for byte
    std::int16_t x;
    double y;
    bool operator==(const point&) const = default;
};

// Compile-time facts about the type mapping and the concepts.
static_assert(papers::type_of<signed char> == PAPERS_INT8);
static_assert(papers::type_of<unsigned short> == PAPERS_UINT16);
static_assert(papers::type_of<int> == PAPERS_INT32);
static_assert(papers::type_of<long long> == PAPERS_INT64);
static_assert(papers::type_of<std::uint64_t> == PAPERS_UINT64);
static_assert(papers::type_of<float> == PAPERS_FLOAT && papers::type_of<double> == PAPERS_DOUBLE);
static_assert(!papers::element<bool> && !papers::element<long double> && !papers::element<point>);
static_assert(papers::value<point> && papers::value<int>);
static_assert(!papers::value<int*> && !papers::value<std::span<int>> &&
              !papers::value<std::string_view> && !papers::value<std::vector<int>>);

template <class T>
void scalar_reductions(int me, int n) {
    T sum = 0, mx = 0;
    for (int r = 0; r < n; ++r) {
        sum = T(sum + T(r + 1));
        if (T(r + 1) > mx) mx = T(r + 1);
    }
    check(papers::allreduce(T(me + 1), papers::op::sum) == sum, "allreduce sum");
    check(papers::allreduce(T(me + 1), papers::op::max) == mx, "allreduce max");
    check(papers::allreduce(T(me + 1), papers::op::min) == T(1), "allreduce min");
    check(papers::allreduce(T(me + 1), papers::op::land) == T(1), "allreduce land");
}

}  // namespace

int main() {
    try {
        papers::session s;
        const int me = s.rank(), n = s.size();
        check(me >= 0 && me < n && !s.backend().empty(), "rank/size/backend");
        expect_error([] { papers::session again; }, PAPERS_EBUSY, "already initialised",
                     "a second session");

        // ---- scalars of every width and kind ----
        scalar_reductions<signed char>(me, n);
        scalar_reductions<std::uint8_t>(me, n);
        scalar_reductions<short>(me, n);
        scalar_reductions<std::uint16_t>(me, n);
        scalar_reductions<int>(me, n);
        scalar_reductions<unsigned>(me, n);
        scalar_reductions<long>(me, n);
        scalar_reductions<unsigned long long>(me, n);
        scalar_reductions<float>(me, n);
        scalar_reductions<double>(me, n);
        check(papers::allreduce(std::uint32_t(1u << me), papers::op::bor) ==
                  std::uint32_t((1ull << n) - 1),
              "allreduce bor");
        double dsum = 0.1;
        for (int r = 1; r < n; ++r) dsum += 0.1 * (r + 1);
        check(papers::allreduce(0.1 * (me + 1), papers::op::sum) == dsum,
              "double sum in rank order, bit-identical");

        // ---- ranges ----
        std::vector<int> v(5);
        for (int i = 0; i < 5; ++i) v[i] = me * 10 + i;
        papers::allreduce(v, papers::op::sum);  // in place
        bool ok = true;
        for (int i = 0; i < 5; ++i) ok &= v[i] == 10 * n * (n - 1) / 2 + n * i;
        check(ok, "vector allreduce in place");
        std::array<double, 3> in{double(me), -double(me), 1.5}, out{};
        papers::allreduce(in, out, papers::op::max);
        check(out == std::array<double, 3>{double(n - 1), 0.0, 1.5}, "array in -> out max");
        std::int64_t carr[2] = {me, 1};
        papers::allreduce(carr, papers::op::prod);
        check(carr[0] == 0 && carr[1] == 1, "C array prod");
        std::vector<std::uint16_t> big(300, std::uint16_t(me + 1));
        papers::allreduce(std::span(big), papers::op::bxor);
        std::uint16_t x = 0;
        for (int r = 0; r < n; ++r) x ^= std::uint16_t(r + 1);
        check(big[0] == x && big[299] == x, "span of 300 elements, bxor");

        // ---- broadcast ----
        check(papers::broadcast(me * 7 + 3, n - 1) == (n - 1) * 7 + 3, "broadcast int");
        const point p = papers::broadcast(point{std::int16_t(me), me * 0.25}, 0);
        check(p == point{0, 0.0}, "broadcast struct");
        std::vector<char> text(6, char('a' + me));
        papers::broadcast(text, n - 1);
        check(std::string(text.begin(), text.end()) == std::string(6, char('a' + n - 1)),
              "broadcast vector in place");

        // ---- gather ----
        const auto ranks = papers::gather(me);
        ok = int(ranks.size()) == n;
        for (int r = 0; ok && r < n; ++r) ok = ranks[r] == r;
        check(ok, "gather(value)");
        const auto pts = papers::gather(point{std::int16_t(me), 1.0 / (me + 1)});
        check(int(pts.size()) == n && pts[n - 1] == point{std::int16_t(n - 1), 1.0 / n},
              "gather(struct)");
        const std::array<std::int8_t, 2> two{std::int8_t(me), std::int8_t(-me)};
        const auto blocks = papers::gather(two);
        check(int(blocks.size()) == 2 * n && blocks[2 * (n - 1)] == n - 1 &&
                  blocks[2 * (n - 1) + 1] == -(n - 1),
              "gather(range)");
        std::vector<std::int8_t> into(2 * n);
        papers::gather(two, into);
        check(into == blocks, "gather(range, out)");

        // ---- putget ----
        const int src = (me + 1) % n;
        check(papers::putget(me * 100, src) == src * 100, "putget int from the next rank");
        check(papers::putget(point{std::int16_t(me), 2.0}, 0) == point{0, 2.0}, "putget struct");
        std::vector<float> put(4, float(me)), got(4);
        papers::putget(put, got, src);
        check(got == std::vector<float>(4, float(src)), "putget ranges");

        // ---- votes and queueing ----
        check(papers::any(me == n - 1) && !papers::any(false), "any");
        check(papers::all(true) && !papers::all(me != 0), "all");
        check(papers::waitvec(true) == (n == 64 ? ~0ull : (1ull << n) - 1), "waitvec");
        check(papers::count(me % 2 == 0) == (n + 1) / 2, "count");
        check(papers::first(false) == -1 && papers::first(me == n - 1) == n - 1, "first");
        const int q = papers::enqueue(me != 0);
        check(q == (me == 0 ? -1 : me - 1), "enqueue");

        // ---- min/max with location ----
        const auto lo = papers::minloc(me == n - 1 ? -5 : me);
        check(lo.value == -5 && lo.rank == n - 1, "minloc");
        const auto hi = papers::maxloc(double(n - me));  // largest on rank 0
        check(hi.value == double(n) && hi.rank == 0, "maxloc");

        // ---- errors: local, with the code; the session survives ----
        expect_error([&] { papers::broadcast(1, n); }, PAPERS_ERANK, "[rank out of range]",
                     "broadcast root n");
        expect_error([&] { papers::putget(1, -1); }, PAPERS_ERANK, "source -1", "putget src -1");
        expect_error([] { papers::allreduce(1.5, papers::op::band); }, PAPERS_EINVAL,
                     "needs an integer type", "band on double");
        std::vector<int> empty;
        expect_error([&] { papers::allreduce(empty, papers::op::sum); }, PAPERS_EINVAL,
                     "the buffer is empty", "allreduce of an empty vector");
        expect_error([&] { papers::broadcast(empty, 0); }, PAPERS_EINVAL, "the buffer is empty",
                     "broadcast of an empty vector");
        std::vector<int> three(3), four(4);
        expect_error([&] { papers::allreduce(three, four, papers::op::sum); }, PAPERS_EINVAL,
                     "the output holds 4 elements, the input 3", "allreduce length mismatch");
        expect_error([&] { papers::gather(three, four); }, PAPERS_EINVAL, "the output holds",
                     "gather output too small");
        expect_error([&] { papers::putget(three, four, 0); }, PAPERS_EINVAL, "the output holds",
                     "putget length mismatch");
        papers::barrier();
        check(papers::allreduce(1, papers::op::sum) == n, "session usable after the errors");

        const papers_stats_t st = papers::stats();
        check(st.calls > 0, "stats().calls counts the calls");
        if (s.backend() == "sim" && n > 1) {
            papers::reset_stats();
            papers::barrier();
            check(papers::stats().hub_ops == 1, "a barrier is one exchange on the hub");
        }

        std::printf("cxx_api: rank %d/%d backend %s: %d checks, %d failures\n", me, n,
                    s.backend().c_str(), checks, failures);
        std::fflush(stdout);
        s.finalize();
        s.finalize();  // a second call does nothing
        expect_error([] { papers::barrier(); }, PAPERS_ENOTINIT, "papers_init() has not succeeded",
                     "a call after finalize");
    } catch (const papers::error& e) {
        std::fprintf(stderr, "cxx_api: unexpected papers::error %d: %s\n", e.code(), e.what());
        return 1;
    }
    if (failures) std::fprintf(stderr, "cxx_api: %d failures\n", failures);
    return failures ? 1 : 0;
}
