// backend_ops.hpp — the operation suite's Ops on a Backend object (the
// in-process form: threads, no C API).
#pragma once
#include "../../libpapers/core/backend.hpp"
#include "op_suite.hpp"

namespace papers::test {

struct BackendOps final : Ops {
    BackendOps(Backend& b, int r, int n) : b_(b), r_(r), n_(n) {}
    int rank() override { return r_; }
    int size() override { return n_; }
    int barrier() override { return b_.barrier(); }
    int any(int f) override { return b_.any(f); }
    int all(int f) override { return b_.all(f); }
    int waitvec(int f, std::uint64_t* m) override { return b_.waitvec(f, m); }
    int bcast(void* b, std::size_t n, int root) override { return b_.bcast(b, n, root); }
    int gather(const void* in, void* out, std::size_t n) override { return b_.gather(in, out, n); }
    int putget(const void* in, void* out, std::size_t n, int s) override {
        return b_.putget(in, out, n, s);
    }
    int reduce(const void* in, void* out, std::size_t c, papers_type_t t, papers_op_t op) override {
        return b_.reduce(in, out, c, t, op);
    }
    int reduce_loc(void* v, int* r, papers_type_t t, papers_op_t op) override {
        return b_.reduce_loc(v, r, t, op);
    }
    Backend& b_;
    int r_, n_;
};

}  // namespace papers::test
