// cli_args.hpp — the strict, tiny command-line parser of papers-ioperm.
//
// Hand-written rather than CLI11 on purpose: in a setuid program every
// accepted spelling is attack surface, and this one accepts exactly
//   papers-ioperm [--config FILE] [--port PORT] [--] PROGRAM [ARGS...]
//   papers-ioperm --help | --version
// (also --config=FILE and --port=PORT). Anything else starting with '-'
// before PROGRAM is refused, as are repeated options.
#pragma once
#include <optional>
#include <string>

namespace papers::ioperm {

struct CliArgs {
    bool help = false;
    bool version = false;
    std::optional<std::string> config;  // honoured only for real uid 0 (checked by the caller)
    std::optional<unsigned> port;
    int command_index = -1;             // argv index of PROGRAM
};

struct CliResult {
    bool ok = false;
    CliArgs args;
    std::string error;
};

CliResult parse_cli(int argc, const char* const* argv);

const char* usage_text();

}  // namespace papers::ioperm
