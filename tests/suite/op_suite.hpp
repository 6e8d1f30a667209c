// op_suite.hpp — the operation suite every backend must pass: every
// operation x every type x op, checked against a reference each PE computes
// on its own from the deterministic inputs of all PEs. The reference is
// written independently of libpapers/core/typeops.cpp on purpose.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "papers/papers.h"

namespace papers::test {

// The operations under test, as the C API offers them. Implemented by the C
// API itself (separate processes) or by a Backend (in-process threads).
struct Ops {
    virtual ~Ops() = default;
    virtual int rank() = 0;
    virtual int size() = 0;
    virtual int barrier() = 0;
    virtual int any(int f) = 0;
    virtual int all(int f) = 0;
    virtual int waitvec(int f, std::uint64_t* m) = 0;
    virtual int bcast(void* b, std::size_t n, int root) = 0;
    virtual int gather(const void* in, void* out, std::size_t n) = 0;
    virtual int putget(const void* in, void* out, std::size_t n, int src) = 0;
    virtual int reduce(const void* in, void* out, std::size_t count, papers_type_t t,
                       papers_op_t op) = 0;
    virtual int reduce_loc(void* v, int* r, papers_type_t t, papers_op_t op) = 0;
};

struct SuiteResult {
    int checks = 0;
    std::vector<std::string> failures;
};

// Runs the whole suite (collective: every PE calls it). `seed` varies data.
SuiteResult run_op_suite(Ops& ops, unsigned seed);

}  // namespace papers::test
