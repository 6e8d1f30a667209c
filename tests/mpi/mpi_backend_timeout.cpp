// mpi_backend_timeout — PAPERS_TIMEOUT holds on the mpi backend too: rank
// 0 enters a barrier that rank 1 never joins and must get
// PAPERS_ETIMEDOUT, with a message naming the operation, within the bound.
// Run under mpirun -np 2 with PAPERS_BACKEND=mpi PAPERS_TIMEOUT=1. Prints
// "timeout check: PASS ..." on success (the test matches that line: the
// job's exit status is meaningless, as the ranks leave MPI unfinished).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "papers/papers.h"

int main() {
    if (int rc = papers_init(); rc) {
        std::printf("timeout check: FAIL papers_init: %s\n", papers_errmsg());
        return 1;
    }
    if (papers_size() != 2 || std::strcmp(papers_backend_name(), "mpi") != 0) {
        std::printf("timeout check: FAIL needs 2 ranks on the mpi backend (got %d on %s)\n",
                    papers_size(), papers_backend_name());
        return 1;
    }
    if (papers_rank() == 1) {
        sleep(3);  // never joins; leaves after rank 0 has timed out
        _exit(0);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = papers_barrier();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string msg = papers_errmsg();
    const bool named = msg.find("barrier timed out") != std::string::npos;
    const int again = papers_barrier();  // fail-stop: the session stays broken
    const bool ok = rc == PAPERS_ETIMEDOUT && named && s >= 0.9 && s < 2.5 &&
                    again == PAPERS_EBROKEN;
    std::printf("timeout check: %s rc=%s after %.2f s (%s); next call %s\n", ok ? "PASS" : "FAIL",
                papers_strerror(rc), s, msg.c_str(), papers_strerror(again));
    std::fflush(stdout);
    papers_finalize();
    _exit(ok ? 0 : 1);
}
