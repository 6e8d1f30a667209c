// command_line.hpp — papersrun's arguments (parsed with CLI11).
//
//   papersrun -np N [options] [--] PROGRAM [ARGS...]
//
// Everything from PROGRAM on belongs to the program, even words that look
// like papersrun options.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace papersrun {

struct RunOptions {
    std::optional<int> np;
    std::string backend;  // as given ("" when --backend was not given)
    std::optional<double> timeout_s;      // --timeout: PAPERS_TIMEOUT for the ranks
    std::optional<double> job_timeout_s;  // --job-timeout: wall-time limit of the job
    double sim_ready_timeout_s = 10.0;    // --sim-ready-timeout
    std::string trace;                    // --trace FILE.vcd (simulator backends)
    std::string hub_tree;                 // --hub-tree PxL (sim: papers-hubsim --tree)
    std::string port;                     // --port (hub backend)
    std::string hubsim;                   // --hubsim PATH (default: next to papersrun)
    std::string hosts;                    // --hosts a,b,c (udp backend: host of each rank)
    std::string hostfile;                 // --hostfile F (udp backend: one host per line)
    bool dipc = false;                    // --dipc: a DIPC cluster for the job (dipc_launch.hpp)
    std::string dipc_lib;                 // --dipc-lib PATH (default: libpapers_dipc.so by our libdir)
    std::string dipc_keys;                // --dipc-keys SPEC (sets PAPERS_DIPC_KEYS)
    std::string dipcd;                    // --dipcd PATH (default: next to papersrun, else on PATH)
    double dipc_ready_timeout_s = 20.0;   // --dipc-ready-timeout
    std::vector<std::string> dipc_options;  // --dipc-option KEY=VALUE: the referee's --KEY VALUE
    bool tag_output = false;
    bool verbose = false;
    std::vector<std::string> command;  // PROGRAM [ARGS...]
};

struct ParseResult {
    bool exit_now = false;  // --help: print and exit with exit_code
    int exit_code = 0;
    RunOptions options;
};

// Parses args (without argv[0]). Throws LaunchError(kExitUsage) on bad input.
ParseResult parse_command_line(const std::vector<std::string>& args);

// For tests: splits args into papersrun's part and the program's part and
// normalises "-np N" (a one-dash long option, as in mpirun) for CLI11.
struct SplitArgs {
    std::vector<std::string> launcher;
    std::vector<std::string> command;
};
SplitArgs split_arguments(const std::vector<std::string>& args);

}  // namespace papersrun
