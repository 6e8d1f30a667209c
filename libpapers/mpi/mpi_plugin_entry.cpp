// mpi_plugin_entry.cpp — the factory libpapers calls after dlopen(): joins
// MPI (initialising it only if the program has not), duplicates
// MPI_COMM_WORLD and takes rank/size from MPI.
#include <string>

#include "mpi_backend.hpp"

namespace papers::mpi {
namespace {

constexpr int kMaxSize = 4096;  // the core's bound on PAPERS_SIZE

// PAPERS_RANK/PAPERS_SIZE are optional under mpirun; if given (the core
// parsed them into cfg) they must agree.
bool disagrees(const char* name, int given, int actual, std::string& why) {
    if (given == actual) return false;
    why = std::string(name) + "=" + std::to_string(given) + " but MPI says " +
          std::to_string(actual) +
          " (under mpirun leave PAPERS_RANK/PAPERS_SIZE unset: MPI numbers the ranks)";
    return true;
}

papers::Backend* create(const Config& cfg, const PluginHost& host, int* code) {
    auto fail = [&](int c, const std::string& msg) -> papers::Backend* {
        *code = host.set_error(c, msg.c_str());
        return nullptr;
    };
    // PAPERS_ALGORITHMS, checked before MPI is touched.
    algo::Resolver forced(cfg.forced, "mpi");
    const ReduceRow* forced_reduce = forced.forced<ReduceAlgo, ReduceShape>("reduce", kReduceAlgorithms);
    if (std::string err; !forced.ok(err)) return fail(PAPERS_EINVAL, err);
    int initialised = 0, finalised = 0;
    PMPI_Initialized(&initialised);
    PMPI_Finalized(&finalised);
    if (finalised)
        return fail(PAPERS_ENODEV, "mpi: MPI_Finalize has already been called in this process");
    bool owns = false;
    if (!initialised) {
        // Collective calls come from one thread at a time (papers.h).
        int provided = 0;
        if (PMPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
            return fail(PAPERS_ENODEV, "mpi: MPI_Init_thread failed");
        owns = true;
    }
    MPI_Comm comm = MPI_COMM_NULL;
    if (PMPI_Comm_dup(MPI_COMM_WORLD, &comm) != MPI_SUCCESS)
        return fail(PAPERS_ESYS, "mpi: MPI_Comm_dup(MPI_COMM_WORLD) failed");
    // Errors come back as codes (papers messages), not as an MPI abort.
    PMPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    int rank = 0, size = 0;
    PMPI_Comm_rank(comm, &rank);
    PMPI_Comm_size(comm, &size);

    std::string why;
    if (size > kMaxSize ||
        (cfg.placed && (disagrees("PAPERS_SIZE", cfg.size, size, why) ||
                        disagrees("PAPERS_RANK", cfg.rank, rank, why)))) {
        if (why.empty()) why = "MPI world of " + std::to_string(size) + " ranks exceeds papers' " +
                               std::to_string(kMaxSize);
        PMPI_Comm_free(&comm);
        return fail(PAPERS_EMEMBERSHIP, "mpi: rank " + std::to_string(rank) + ": " + why);
    }
    auto* backend = new MpiBackend(comm, rank, size, owns, cfg, host);
    backend->force_reduce(forced_reduce);
    *code = PAPERS_OK;
    return backend;
}

}  // namespace
}  // namespace papers::mpi

extern "C" __attribute__((visibility("default"))) papers::Backend* papers_mpi_backend_create(
    const papers::Config* cfg, const papers::mpi::PluginHost* host, int* code) {
    if (!host || !cfg || !code) return nullptr;
    if (host->abi != papers::mpi::kPluginAbi) {
        *code = host->set_error(PAPERS_EVERSION,
                                ("mpi: libpapers_mpi.so speaks plugin ABI " +
                                 std::to_string(papers::mpi::kPluginAbi) + ", libpapers " +
                                 std::to_string(host->abi) + ": rebuild them together")
                                    .c_str());
        return nullptr;
    }
    return papers::mpi::create(*cfg, *host, code);
}
