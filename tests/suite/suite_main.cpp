// papers-suite — runs the operation suite in this process as one PE of a
// job started by papersrun (any backend). Exit 0 only if every check passed.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "capi_ops.hpp"

int main(int argc, char** argv) {
    unsigned seed = 1, repeat = 1;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) seed = unsigned(std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = unsigned(std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: papers-suite [--seed S] [--repeat K]\n");
            return 2;
        }
    }
    if (int rc = papers_init(); rc) {
        std::fprintf(stderr, "papers-suite: papers_init failed: %s: %s\n", papers_strerror(rc),
                     papers_errmsg());
        return 1;
    }
    papers::test::CApiOps ops;
    const int rank = ops.rank(), size = ops.size();
    const std::string backend = papers_backend_name();
    int checks = 0, failures = 0;
    for (unsigned k = 0; k < repeat; ++k) {
        auto res = papers::test::run_op_suite(ops, seed + k);
        checks += res.checks;
        failures += static_cast<int>(res.failures.size());
        for (std::size_t i = 0; i < res.failures.size() && i < 20; ++i)
            std::fprintf(stderr, "FAIL %s\n", res.failures[i].c_str());
    }
    const int frc = papers_finalize();
    std::printf("papers-suite rank %d/%d backend %s: %d checks, %d failures\n", rank, size,
                backend.c_str(), checks, failures);
    if (frc) std::fprintf(stderr, "papers_finalize: %s: %s\n", papers_strerror(frc), papers_errmsg());
    return failures || frc ? 1 : 0;
}
