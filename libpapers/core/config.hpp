// config.hpp — a PE's view of the job, read from the environment that
// papersrun sets (the variables: core_env.hpp, docs/environment.md).
#pragma once
#include <string>

#include "algo_table.hpp"

namespace papers {

struct Config {
    int rank = 0;
    int size = 1;
    bool placed = false;      // PAPERS_RANK/PAPERS_SIZE were given (not the defaults)
    bool singleton = false;   // started on its own: no job configuration at all (shm, 1 PE)
    bool verbose = false;     // PAPERS_VERBOSE: papers_init says what it chose
    std::string backend = "sim";
    double timeout_s = 10.0;  // bound of every wait
    std::string sim;          // PAPERS_SIM: shared-memory name of the simulator wire
    std::string job;          // PAPERS_JOB: job id (names shm segments etc.)
    std::string port;         // PAPERS_PORT: hardware port (hub/capers backends)
    std::string port_access;  // PAPERS_PORT_ACCESS: auto|ieee1284|direct
    long spin = -1;           // PAPERS_SPIN: polls before blocking (-1: backend default)
    long slice_us = 0;        // PAPERS_SLICE_US (its default: core_env.hpp): CPU time slice asked for (0: leave it)
    bool debug_tags = false;  // PAPERS_DEBUG: tag operations to catch mismatches
    std::string algorithms;   // PAPERS_ALGORITHMS as given (udp puts it in its digest)
    algo::Overrides forced;   // ... parsed (algo_table.hpp)
};

// Parses the environment. Returns 0 or a negative code with `err` set
// (e.g. PAPERS_RANK missing or not a number, rank >= size).
int config_from_env(Config& cfg, std::string& err);

}  // namespace papers
