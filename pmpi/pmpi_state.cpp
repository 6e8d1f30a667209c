#include "pmpi_state.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/core_env.hpp"
#include "papers/papers.h"
#include "pmpi_env.hpp"

namespace papers::pmpi {

namespace {

struct State {
    bool active = false;          // papers session up: supported calls go to the hub
    bool congruent = true;        // also route communicators congruent to the world
    bool print_stats = false;     // PAPERS_PMPI_STATS=1
    std::size_t max_bytes = 1024; // PAPERS_PMPI_MAX_BYTES
    int rank = 0, size = 1;
    int keyval = MPI_KEYVAL_INVALID;
    std::uint64_t routed[kCallCount] = {};
    std::uint64_t passed[kCallCount] = {};
};

State g;
char g_yes, g_no;  // attribute values: addresses compared, never read

// The papers backend the hub configuration asks for, or "" for none. The
// core's variables, read through the core's table.
std::string wanted_backend() {
    env::Reader core(core_env::kTable);
    if (const std::string b = core.text(core_env::kBackend); !b.empty() && b != "detect")
        return b == "mpi" ? "" : b;  // papers over MPI over papers: no
    if (core.is_set(core_env::kSim)) return "sim";
    if (core.is_set(core_env::kPort)) return "hub";
    return "";
}

// PAPERS_RANK/SIZE default to MPI's; if set they must agree (the hub port
// of each PE is its rank, so the MPI rank must be the hub rank).
bool agree_or_set(const env::Var& var, int value) {
    const char* name = var.name;
    env::Reader core(core_env::kTable);
    if (const auto v = core.raw(var)) {
        if (std::to_string(value) == *v) return true;
        std::fprintf(stderr,
                     "papers-pmpi: rank %d: %s=%s but MPI says %d; the papers hub is not used\n",
                     g.rank, name, v->c_str(), value);
        return false;
    }
    setenv(name, std::to_string(value).c_str(), 1);
    return true;
}

}  // namespace

void start_session(int thread_level) {
    PMPI_Comm_rank(MPI_COMM_WORLD, &g.rank);
    PMPI_Comm_size(MPI_COMM_WORLD, &g.size);
    env::Reader in(pmpi_env::kTable);
    const bool enabled = in.flag(pmpi_env::kEnable, true);
    g.print_stats = in.flag(pmpi_env::kStats, false);
    // With MPI_THREAD_MULTIPLE two threads may run collectives on two
    // congruent communicators at once; one hub cannot interleave them.
    g.congruent = in.flag(pmpi_env::kCongruent, true) && thread_level != MPI_THREAD_MULTIPLE;
    g.max_bytes = static_cast<std::size_t>(in.integer(pmpi_env::kMaxBytes, 1024));
    if (!in.ok()) {
        // Every rank sees the same environment, so all of them pass through.
        if (g.rank == 0)
            std::fprintf(stderr, "papers-pmpi: %s; MPI collectives run unchanged\n",
                         in.error().c_str());
        return;
    }
    if (!enabled) return;
    const std::string backend = wanted_backend();
    if (backend.empty()) return;  // no hub configured: pure pass-through

    int ok = agree_or_set(core_env::kRank, g.rank) && agree_or_set(core_env::kSize, g.size);
    if (ok) {
        setenv("PAPERS_BACKEND", backend.c_str(), 1);
        // MPI waits forever; papers bounds every wait. An MPI program may
        // legitimately leave ranks waiting for minutes, so unless told
        // otherwise allow 10 minutes (mpirun ends the job if a rank dies).
        setenv("PAPERS_TIMEOUT", "600", 0);
        ok = papers_init() == PAPERS_OK;
        if (!ok)
            std::fprintf(stderr,
                         "papers-pmpi: rank %d: papers_init failed (%s); MPI collectives run "
                         "unchanged\n",
                         g.rank, papers_errmsg());
    }
    // All ranks or none: a rank on the hub and one on MPI would deadlock.
    int all_ok = ok;
    PMPI_Allreduce(MPI_IN_PLACE, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (ok) papers_finalize();
        return;
    }
    PMPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &g.keyval, nullptr);
    papers_stats_reset();  // count the application's calls, not the census
    g.active = true;
}

void end_session() {
    if (!g.active) return;
    g.active = false;
    papers_stats_t st{};
    papers_stats(&st);
    if (g.print_stats) {
        std::uint64_t routed = 0, passed = 0;
        for (int c = 0; c < kCallCount; ++c) routed += g.routed[c], passed += g.passed[c];
        std::fprintf(stderr,
                     "papers-pmpi: rank %d: backend %s, routed %llu (barrier %llu allreduce %llu "
                     "reduce %llu bcast %llu allgather %llu), passed through %llu, port reads "
                     "%llu, port writes %llu, hub ops %llu\n",
                     g.rank, papers_backend_name(), (unsigned long long)routed,
                     (unsigned long long)g.routed[kBarrier],
                     (unsigned long long)g.routed[kAllreduce],
                     (unsigned long long)g.routed[kReduce], (unsigned long long)g.routed[kBcast],
                     (unsigned long long)g.routed[kAllgather], (unsigned long long)passed,
                     (unsigned long long)st.port_reads, (unsigned long long)st.port_writes,
                     (unsigned long long)st.hub_ops);
    }
    if (int rc = papers_finalize(); rc)
        std::fprintf(stderr, "papers-pmpi: rank %d: papers_finalize: %s: %s\n", g.rank,
                     papers_strerror(rc), papers_errmsg());
    if (g.keyval != MPI_KEYVAL_INVALID) PMPI_Comm_free_keyval(&g.keyval);
}

bool routed(MPI_Comm comm) {
    if (!g.active) return false;
    if (comm == MPI_COMM_WORLD) return true;
    if (!g.congruent || comm == MPI_COMM_NULL) return false;
    void* v = nullptr;
    int found = 0;
    if (PMPI_Comm_get_attr(comm, g.keyval, &v, &found) == MPI_SUCCESS && found) return v == &g_yes;
    // First use of this communicator: same group in the same order as the
    // world means the same ranks, so hub port = rank holds for it too.
    int inter = 0, cmp = MPI_UNEQUAL;
    PMPI_Comm_test_inter(comm, &inter);
    if (!inter) PMPI_Comm_compare(comm, MPI_COMM_WORLD, &cmp);
    const bool yes = cmp == MPI_IDENT || cmp == MPI_CONGRUENT;
    // Attributes die with the communicator, so a recycled handle never
    // inherits a stale verdict (MPI_Comm_dup does not copy it: NULL_COPY_FN).
    PMPI_Comm_set_attr(comm, g.keyval, yes ? &g_yes : &g_no);
    return yes;
}

std::size_t max_bytes() { return g.max_bytes; }
int world_rank() { return g.rank; }
int world_size() { return g.size; }
void count_routed(Call c) { ++g.routed[c]; }
void count_passed(Call c) { ++g.passed[c]; }

void abort_job(const char* mpi_call, int papers_rc) {
    std::fprintf(stderr,
                 "papers-pmpi: rank %d: %s on the papers hub failed: %s: %s; aborting the job "
                 "(fail-stop: the ranks are out of step)\n",
                 g.rank, mpi_call, papers_strerror(papers_rc), papers_errmsg());
    std::fflush(stderr);
    PMPI_Abort(MPI_COMM_WORLD, 1);
    std::abort();  // PMPI_Abort does not return; be sure
}

void* scratch(std::size_t bytes) {
    thread_local std::vector<unsigned char> buf;
    if (buf.size() < bytes) buf.resize(bytes);
    return buf.data();
}

}  // namespace papers::pmpi
