// capi_ops.hpp — the suite's Ops through the public C API.
#pragma once
#include "op_suite.hpp"

namespace papers::test {

struct CApiOps final : Ops {
    int rank() override { return papers_rank(); }
    int size() override { return papers_size(); }
    int barrier() override { return papers_barrier(); }
    int any(int f) override { return papers_any(f); }
    int all(int f) override { return papers_all(f); }
    int waitvec(int f, std::uint64_t* m) override { return papers_waitvec(f, m); }
    int bcast(void* b, std::size_t n, int root) override { return papers_bcast(b, n, root); }
    int gather(const void* in, void* out, std::size_t n) override { return papers_gather(in, out, n); }
    int putget(const void* in, void* out, std::size_t n, int src) override {
        return papers_putget(in, out, n, src);
    }
    int reduce(const void* in, void* out, std::size_t c, papers_type_t t, papers_op_t op) override {
        return papers_reduce(in, out, c, t, op);
    }
    int reduce_loc(void* v, int* r, papers_type_t t, papers_op_t op) override {
        return papers_reduce_loc(v, r, t, op);
    }
};

}  // namespace papers::test
