// backend_ops.hpp — the operation suite's Ops on a Backend object (the
// in-process form: threads, no C API).
#pragma once
#include "../../libpapers/core/backend.hpp"
#include "../../libpapers/core/call_check.hpp"
#include "op_suite.hpp"

namespace papers::test {

// `check_calls`: what PAPERS_DEBUG=1 makes the C API do, the call check
// before every operation.
struct BackendOps final : Ops {
    BackendOps(Backend& b, int r, int n, bool check_calls = false)
        : b_(b), r_(r), n_(n), check_(check_calls) {}
    int rank() override { return r_; }
    int size() override { return n_; }
    int barrier() override {
        return checked("barrier", CallTag::simple(Call::barrier), [&] { return b_.barrier(); });
    }
    int any(int f) override {
        return checked("any", CallTag::simple(Call::any), [&] { return b_.any(f); });
    }
    int all(int f) override {
        return checked("all", CallTag::simple(Call::all), [&] { return b_.all(f); });
    }
    int waitvec(int f, std::uint64_t* m) override {
        return checked("waitvec", CallTag::simple(Call::waitvec), [&] { return b_.waitvec(f, m); });
    }
    int bcast(void* b, std::size_t n, int root) override {
        return checked("bcast", CallTag::bcast(n, root), [&] { return b_.bcast(b, n, root); });
    }
    int gather(const void* in, void* out, std::size_t n) override {
        return checked("gather", CallTag::sized(Call::gather, n),
                       [&] { return b_.gather(in, out, n); });
    }
    int putget(const void* in, void* out, std::size_t n, int s) override {
        return checked("putget", CallTag::sized(Call::putget, n),
                       [&] { return b_.putget(in, out, n, s); });
    }
    int reduce(const void* in, void* out, std::size_t c, papers_type_t t, papers_op_t op) override {
        return checked("reduce", CallTag::reduce(c, t, op),
                       [&] { return b_.reduce(in, out, c, t, op); });
    }
    int reduce_loc(void* v, int* r, papers_type_t t, papers_op_t op) override {
        return checked("reduce_loc", CallTag::reduce_loc(t, op),
                       [&] { return b_.reduce_loc(v, r, t, op); });
    }

    template <class F>
    int checked(const char* what, const CallTag& tag, F&& f) {
        if (check_)
            if (int rc = check_same_call(b_, r_, n_, tag, what); rc) return rc;
        return f();
    }
    Backend& b_;
    int r_, n_;
    bool check_;
};

}  // namespace papers::test
