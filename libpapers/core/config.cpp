#include "config.hpp"

#include "core_env.hpp"
#include "papers/papers.h"

namespace papers {

namespace {

// Open MPI's mpirun sets OMPI_COMM_WORLD_*, PMIx launchers PMIX_RANK, Hydra PMI_*.
bool launched_by_mpi() {
    return env::foreign("OMPI_COMM_WORLD_SIZE") || env::foreign("PMIX_RANK") ||
           env::foreign("PMI_SIZE") || env::foreign("PMI_RANK");
}

}  // namespace

int config_from_env(Config& cfg, std::string& err) {
    using namespace core_env;
    env::Reader in(kTable);
    cfg.placed = in.is_set(kSize) || in.is_set(kRank);
    if (cfg.placed) {
        // Both or neither: a rank without a size (or the reverse) is a mistake.
        if (!in.is_set(kSize)) {
            err = "PAPERS_SIZE must be set with PAPERS_RANK";
            return PAPERS_EINVAL;
        }
        cfg.size = static_cast<int>(in.integer(kSize, 1));
        if (!in.ok()) {
            err = in.error();
            return PAPERS_EINVAL;
        }
        if (!in.is_set(kRank)) {
            err = "PAPERS_RANK must be set with PAPERS_SIZE";
            return PAPERS_ERANK;
        }
        const auto rank = in.integer(kRank, 0);
        if (!in.ok()) {
            err = in.error();
            return PAPERS_ERANK;
        }
        if (rank >= cfg.size) {
            err = "PAPERS_RANK=" + std::to_string(rank) + " is out of range for PAPERS_SIZE=" +
                  std::to_string(cfg.size) + " (ranks are 0.." + std::to_string(cfg.size - 1) +
                  ")";
            return PAPERS_ERANK;
        }
        cfg.rank = static_cast<int>(rank);
    }
    cfg.backend = in.text(kBackend, "detect");
    if (cfg.backend == "auto") {
        err = "PAPERS_BACKEND=auto is papersrun's choice (papersrun resolves it before it starts "
              "the ranks); the library's own is 'detect', or leave PAPERS_BACKEND unset";
        return PAPERS_EINVAL;
    }
    // "detect": mpi when an MPI launcher started us and no hub is configured
    // (PAPERS_SIM/PAPERS_PORT win); a singleton run (started by hand, nothing of a job
    // configured, as MPI's singleton init) is one PE on shm; otherwise the simulator.
    // Any job variable makes it a job, so a partial configuration still fails loudly.
    if (cfg.backend == "detect") {
        const bool mpi = launched_by_mpi() && !in.is_set(kSim) && !in.is_set(kPort);
        cfg.singleton = !mpi && !cfg.placed && !in.is_set(kSim) && !in.is_set(kJob) &&
                        !in.is_set(kPort);
        cfg.backend = mpi ? "mpi" : cfg.singleton ? "shm" : "sim";
    }
    cfg.timeout_s = in.seconds(kTimeout, cfg.timeout_s);
    cfg.sim = in.text(kSim);
    cfg.job = in.text(kJob);
    cfg.port = in.text(kPort);
    cfg.port_access = in.text(kPortAccess);
    cfg.spin = in.integer(kSpin, -1);
    cfg.slice_us = in.integer(kSlice);
    cfg.debug_tags = in.flag(kDebug, false);
    cfg.algorithms = in.text(kAlgorithms);
    cfg.verbose = in.flag(kVerbose, false);
    if (!in.ok()) {
        err = in.error();
        return PAPERS_EINVAL;
    }
    if (!algo::parse_overrides(cfg.algorithms, cfg.forced, err)) {
        err = "PAPERS_ALGORITHMS: " + err;
        return PAPERS_EINVAL;
    }
    return PAPERS_OK;
}

}  // namespace papers
