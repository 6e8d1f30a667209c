#include "config.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "papers/papers.h"

namespace papers {

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return (v && *v) ? v : nullptr;
}

// Strict integer parse: the whole string must be a number in [lo, hi].
bool parse_int(const char* s, long lo, long hi, long& out) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) return false;
    out = v;
    return true;
}

// Open MPI's mpirun sets OMPI_COMM_WORLD_*, PMIx launchers PMIX_RANK, Hydra PMI_*.
bool launched_by_mpi() {
    return env("OMPI_COMM_WORLD_SIZE") || env("PMIX_RANK") || env("PMI_SIZE") || env("PMI_RANK");
}

}  // namespace

int config_from_env(Config& cfg, std::string& err) {
    long v = 0;
    const char* size = env("PAPERS_SIZE");
    const char* rank = env("PAPERS_RANK");
    if (!size && !rank) {
        cfg.size = 1;  // a program started by hand is a job of one
        cfg.rank = 0;
    } else {
        if (!size || !parse_int(size, 1, 4096, v)) {
            err = std::string("PAPERS_SIZE must be a number from 1 to 4096, got '") +
                  (size ? size : "(unset)") + "'";
            return PAPERS_EINVAL;
        }
        cfg.size = static_cast<int>(v);
        if (!rank || !parse_int(rank, 0, 4095, v)) {
            err = std::string("PAPERS_RANK must be a number from 0 to PAPERS_SIZE-1, got '") +
                  (rank ? rank : "(unset)") + "'";
            return PAPERS_ERANK;
        }
        if (v >= cfg.size) {
            err = "PAPERS_RANK=" + std::to_string(v) + " is out of range for PAPERS_SIZE=" +
                  std::to_string(cfg.size) + " (ranks are 0.." + std::to_string(cfg.size - 1) +
                  ")";
            return PAPERS_ERANK;
        }
        cfg.rank = static_cast<int>(v);
    }
    if (const char* b = env("PAPERS_BACKEND")) cfg.backend = b;
    // Unset or "auto": mpi when an MPI launcher started us and no hub is
    // configured (PAPERS_SIM/PAPERS_PORT win), otherwise the simulator.
    if (!env("PAPERS_BACKEND") || cfg.backend == "auto") {
        if (launched_by_mpi() && !env("PAPERS_SIM") && !env("PAPERS_PORT")) cfg.backend = "mpi";
        else if (cfg.backend == "auto") cfg.backend = "sim";
    }
    if (const char* t = env("PAPERS_TIMEOUT")) {
        char* end = nullptr;
        double d = std::strtod(t, &end);
        if (end == t || *end != '\0' || !std::isfinite(d) || d <= 0 || d > 86400) {
            err = std::string("PAPERS_TIMEOUT must be seconds in (0, 86400], got '") + t + "'";
            return PAPERS_EINVAL;
        }
        cfg.timeout_s = d;
    }
    if (const char* s = env("PAPERS_SIM")) cfg.sim = s;
    if (const char* j = env("PAPERS_JOB")) cfg.job = j;
    if (const char* p = env("PAPERS_PORT")) cfg.port = p;
    if (const char* a = env("PAPERS_PORT_ACCESS")) cfg.port_access = a;
    if (const char* s = env("PAPERS_SPIN")) {
        if (!parse_int(s, 0, 1000000000L, v)) {
            err = std::string("PAPERS_SPIN must be a non-negative poll count, got '") + s + "'";
            return PAPERS_EINVAL;
        }
        cfg.spin = v;
    }
    if (const char* d = env("PAPERS_DEBUG")) cfg.debug_tags = std::string(d) != "0";
    return PAPERS_OK;
}

}  // namespace papers
