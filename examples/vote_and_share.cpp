// vote_and_share.cpp — a C++ program on the C API: the PEs vote on whether
// any of them found a "hit", agree on the smallest hit and its owner, and
// gather everyone's count into a table printed by rank 0.
//
//   papersrun -np 4 build/bin/vote_and_share
#include <papers/papers.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(int rc, const char* what) {
    if (rc < 0)
        throw std::runtime_error(std::string(what) + ": " + papers_strerror(rc) + ": " +
                                 papers_errmsg());
}

}  // namespace

int main() {
    try {
        check(papers_init(), "papers_init");
        const int rank = papers_rank(), size = papers_size();

        // Each PE scans its own slice of 1..1000 for multiples of 37 + rank.
        std::int32_t hits = 0, first_hit = INT32_MAX;
        for (int v = 1 + rank; v <= 1000; v += size)
            if (v % (37 + rank) == 0) {
                ++hits;
                if (v < first_hit) first_hit = v;
            }
        const int anyone = papers_any(hits > 0);
        check(anyone, "papers_any");
        int owner = -1;
        std::int32_t smallest = first_hit;
        check(papers_reduce_loc(&smallest, &owner, PAPERS_INT32, PAPERS_MIN), "papers_reduce_loc");
        std::vector<std::int32_t> table(size);
        check(papers_gather(&hits, table.data(), sizeof hits), "papers_gather");
        std::int32_t total = 0;
        check(papers_reduce(&hits, &total, 1, PAPERS_INT32, PAPERS_SUM), "papers_reduce");

        if (rank == 0) {
            std::printf("any hit: %s; smallest hit %d found by rank %d; total hits %d\n",
                        anyone ? "yes" : "no", smallest, owner, total);
            for (int r = 0; r < size; ++r) std::printf("  rank %d: %d hits\n", r, table[r]);
        }
        check(papers_finalize(), "papers_finalize");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vote_and_share: %s\n", e.what());
        return 1;
    }
    return 0;
}
