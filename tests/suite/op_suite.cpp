#include "op_suite.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

namespace papers::test {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Deterministic element i of PE `rank` for a test case `salt`.
template <class T>
T input(int rank, std::size_t i, unsigned salt, unsigned seed) {
    const std::uint64_t h = mix((std::uint64_t(seed) << 48) ^ (std::uint64_t(salt) << 32) ^
                                (std::uint64_t(rank) << 16) ^ i);
    if constexpr (std::is_floating_point_v<T>) {
        // Values in [-1000, 1000) with fraction bits, never NaN; ~1/8 zeros.
        if ((h & 7) == 0) return T(0);
        return T(static_cast<double>(static_cast<std::int64_t>(h >> 11) % 2000000 - 1000000) / 1000.0);
    } else {
        T v;
        std::memcpy(&v, &h, sizeof v);
        if ((h >> 60) == 0) v = 0;  // some zeros for the logical ops
        return v;
    }
}

template <class T>
T ref_combine(T a, T b, papers_op_t op) {
    if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;
        switch (op) {
            case PAPERS_SUM: return T(U(a) + U(b));
            case PAPERS_PROD: return T(U(a) * U(b));
            case PAPERS_BAND: return T(a & b);
            case PAPERS_BOR: return T(a | b);
            case PAPERS_BXOR: return T(a ^ b);
            default: break;
        }
    } else {
        if (op == PAPERS_SUM) return a + b;
        if (op == PAPERS_PROD) return a * b;
    }
    switch (op) {
        case PAPERS_MIN: return b < a ? b : a;
        case PAPERS_MAX: return b > a ? b : a;
        case PAPERS_LAND: return T(a != T(0) && b != T(0));
        case PAPERS_LOR: return T(a != T(0) || b != T(0));
        default: return a;
    }
}

template <class T>
bool same_bits(T a, T b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

struct Ctx {
    Ops& ops;
    unsigned seed;
    SuiteResult res;
    int me, n;
    void check(bool ok, const std::string& what) {
        ++res.checks;
        if (!ok) res.failures.push_back("rank " + std::to_string(me) + ": " + what);
    }
    bool rc_ok(int rc, const std::string& what) {
        if (rc < 0) {
            check(false, what + " returned " + std::to_string(rc) + " (" + papers_strerror(rc) +
                             ")");
            return false;
        }
        return true;
    }
};

template <class T>
void reduce_case(Ctx& c, papers_type_t t, papers_op_t op, std::size_t count, unsigned salt) {
    if (std::is_floating_point_v<T> &&
        (op == PAPERS_BAND || op == PAPERS_BOR || op == PAPERS_BXOR))
        return;
    std::vector<T> in(count), out(count), want(count);
    for (std::size_t i = 0; i < count; ++i) in[i] = input<T>(c.me, i, salt, c.seed);
    for (std::size_t i = 0; i < count; ++i) {
        T acc = input<T>(0, i, salt, c.seed);
        if (op == PAPERS_LAND || op == PAPERS_LOR) acc = T(acc != T(0));
        for (int r = 1; r < c.n; ++r) acc = ref_combine(acc, input<T>(r, i, salt, c.seed), op);
        want[i] = acc;
    }
    std::ostringstream what;
    what << "reduce type=" << int(t) << " op=" << int(op) << " count=" << count;
    if (!c.rc_ok(c.ops.reduce(in.data(), out.data(), count, t, op), what.str())) return;
    bool ok = true;
    for (std::size_t i = 0; i < count; ++i) ok &= same_bits(out[i], want[i]);
    c.check(ok, what.str() + " result differs from the reference");
    // In place (in == out) must give the same.
    std::vector<T> io = in;
    if (!c.rc_ok(c.ops.reduce(io.data(), io.data(), count, t, op), what.str() + " in place"))
        return;
    ok = true;
    for (std::size_t i = 0; i < count; ++i) ok &= same_bits(io[i], want[i]);
    c.check(ok, what.str() + " in place differs");
}

template <class T>
void reduce_all_ops(Ctx& c, papers_type_t t, unsigned salt) {
    for (int op = PAPERS_SUM; op < PAPERS_OP_COUNT_; ++op)
        for (std::size_t count : {std::size_t(1), std::size_t(5)})
            reduce_case<T>(c, t, papers_op_t(op), count, salt + unsigned(op) * 7 + unsigned(count));
}

template <class T>
void reduce_loc_case(Ctx& c, papers_type_t t, papers_op_t op, unsigned salt) {
    T v = input<T>(c.me, 0, salt, c.seed);
    // Make ties likely: two PEs share the extreme.
    if (c.n > 2 && c.me == c.n - 1) v = input<T>(1, 0, salt, c.seed);
    T best = 0;
    int best_rank = -1;
    for (int r = 0; r < c.n; ++r) {
        T x = input<T>(r, 0, salt, c.seed);
        if (c.n > 2 && r == c.n - 1) x = input<T>(1, 0, salt, c.seed);
        if (best_rank < 0 || (op == PAPERS_MIN ? x < best : x > best)) {
            best = x;
            best_rank = r;
        }
    }
    int rank = -1;
    const std::string what = "reduce_loc type=" + std::to_string(int(t)) + " op=" + std::to_string(int(op));
    if (!c.rc_ok(c.ops.reduce_loc(&v, &rank, t, op), what)) return;
    c.check(same_bits(v, best) && rank == best_rank,
            what + " got rank " + std::to_string(rank) + " want " + std::to_string(best_rank));
}

void votes(Ctx& c) {
    for (int pattern = 0; pattern < 4; ++pattern) {
        auto flag_of = [&](int r) {
            switch (pattern) {
                case 0: return false;
                case 1: return true;
                case 2: return r == c.n - 1;
                default: return (r % 2) == 0;
            }
        };
        bool want_any = false, want_all = true;
        std::uint64_t want_mask = 0;
        int first = -1, count = 0, my_pos = -1;
        for (int r = 0; r < c.n; ++r) {
            const bool f = flag_of(r);
            want_any |= f;
            want_all &= f;
            if (f) {
                want_mask |= std::uint64_t(1) << r;
                if (first < 0) first = r;
                if (r == c.me) my_pos = count;
                ++count;
            }
        }
        const int flag = flag_of(c.me) ? 7 : 0;  // any non-zero counts as true
        const std::string p = " pattern " + std::to_string(pattern);
        int a = c.ops.any(flag);
        if (c.rc_ok(a, "any" + p)) c.check(a == int(want_any), "any" + p);
        int l = c.ops.all(flag);
        if (c.rc_ok(l, "all" + p)) c.check(l == int(want_all), "all" + p);
        std::uint64_t m = 0;
        if (c.rc_ok(c.ops.waitvec(flag, &m), "waitvec" + p)) c.check(m == want_mask, "waitvec" + p);
        (void)first;
        (void)my_pos;
    }
}

void data_movement(Ctx& c) {
    for (std::size_t bytes : {std::size_t(1), std::size_t(4), std::size_t(13)}) {
        for (int root = 0; root < c.n; ++root) {
            std::vector<unsigned char> buf(bytes), want(bytes);
            for (std::size_t i = 0; i < bytes; ++i) {
                want[i] = static_cast<unsigned char>(input<std::uint8_t>(root, i, 101, c.seed));
                buf[i] = c.me == root ? want[i] : static_cast<unsigned char>(0xA5 ^ i);
            }
            const std::string what =
                "bcast bytes=" + std::to_string(bytes) + " root=" + std::to_string(root);
            if (c.rc_ok(c.ops.bcast(buf.data(), bytes, root), what)) c.check(buf == want, what);
        }
        std::vector<unsigned char> in(bytes), out(bytes * c.n), want(bytes * c.n);
        for (int r = 0; r < c.n; ++r)
            for (std::size_t i = 0; i < bytes; ++i)
                want[r * bytes + i] = input<std::uint8_t>(r, i, 202, c.seed);
        std::memcpy(in.data(), &want[c.me * bytes], bytes);
        const std::string what = "gather bytes=" + std::to_string(bytes);
        if (c.rc_ok(c.ops.gather(in.data(), out.data(), bytes), what)) c.check(out == want, what);

        // putget: shift by one, all from 0, self.
        for (int pattern = 0; pattern < 3; ++pattern) {
            auto src_of = [&](int r) {
                return pattern == 0 ? (r + 1) % c.n : pattern == 1 ? 0 : r;
            };
            std::vector<unsigned char> got(bytes), exp(bytes);
            const int src = src_of(c.me);
            for (std::size_t i = 0; i < bytes; ++i) exp[i] = input<std::uint8_t>(src, i, 303, c.seed);
            std::vector<unsigned char> mine(bytes);
            for (std::size_t i = 0; i < bytes; ++i) mine[i] = input<std::uint8_t>(c.me, i, 303, c.seed);
            const std::string w = "putget bytes=" + std::to_string(bytes) + " pattern=" +
                                  std::to_string(pattern);
            if (c.rc_ok(c.ops.putget(mine.data(), got.data(), bytes, src), w)) c.check(got == exp, w);
        }
    }
}

}  // namespace

SuiteResult run_op_suite(Ops& ops, unsigned seed) {
    Ctx c{ops, seed, {}, ops.rank(), ops.size()};
    for (int i = 0; i < 3; ++i) c.rc_ok(ops.barrier(), "barrier");
    votes(c);
    data_movement(c);
    reduce_all_ops<std::int8_t>(c, PAPERS_INT8, 1000);
    reduce_all_ops<std::int16_t>(c, PAPERS_INT16, 2000);
    reduce_all_ops<std::int32_t>(c, PAPERS_INT32, 3000);
    reduce_all_ops<std::int64_t>(c, PAPERS_INT64, 4000);
    reduce_all_ops<std::uint8_t>(c, PAPERS_UINT8, 5000);
    reduce_all_ops<std::uint16_t>(c, PAPERS_UINT16, 6000);
    reduce_all_ops<std::uint32_t>(c, PAPERS_UINT32, 7000);
    reduce_all_ops<std::uint64_t>(c, PAPERS_UINT64, 8000);
    reduce_all_ops<float>(c, PAPERS_FLOAT, 9000);
    reduce_all_ops<double>(c, PAPERS_DOUBLE, 10000);
    reduce_loc_case<std::int32_t>(c, PAPERS_INT32, PAPERS_MIN, 11000);
    reduce_loc_case<std::int32_t>(c, PAPERS_INT32, PAPERS_MAX, 11001);
    reduce_loc_case<double>(c, PAPERS_DOUBLE, PAPERS_MIN, 11002);
    reduce_loc_case<std::uint8_t>(c, PAPERS_UINT8, PAPERS_MAX, 11003);
    c.rc_ok(ops.barrier(), "final barrier");
    return c.res;
}

}  // namespace papers::test
