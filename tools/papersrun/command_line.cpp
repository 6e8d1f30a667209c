#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "launchers.hpp"
#include "launch_error.hpp"

namespace papersrun {

namespace {

// Seconds in (0, max]: a plain decimal number, finite, so that every
// deadline papersrun computes from it fits its clock (1e20 s overflowed).
CLI::Validator seconds_up_to(double max, const char* what) {
    return CLI::Validator(
        [max, what](std::string& v) {
            char* end = nullptr;
            errno = 0;
            const double d = std::strtod(v.c_str(), &end);
            if (v.empty() || end != v.c_str() + v.size() || errno || !std::isfinite(d) || d <= 0 ||
                d > max) {
                char bound[32];
                std::snprintf(bound, sizeof bound, "%.0f", max);
                return std::string(what) + " must be a number of seconds in (0, " + bound +
                       "], got '" + v + "'";
            }
            return std::string();
        },
        "SECONDS");
}

constexpr double kMaxRankTimeoutS = 86400;      // PAPERS_TIMEOUT's own bound (core_env.hpp)
constexpr double kMaxJobTimeoutS = 31536000;    // a year
constexpr double kMaxReadyTimeoutS = 86400;

void define_options(CLI::App& app, RunOptions& o) {
    app.description(
        "Start a PAPERS job: the hub simulator (or another backend) and N ranks of PROGRAM,\n"
        "each with PAPERS_RANK, PAPERS_SIZE, PAPERS_BACKEND, PAPERS_JOB... in its environment.");
    // CLI11 2.1 has no usage(): the name carries the usage line.
    app.name("papersrun -np N [options] [--] PROGRAM [ARGS...]\n  papersrun");
    app.add_option("-n,--np", o.np, "number of ranks (also written -np N)");
    std::vector<std::string> names;
    for (const auto& b : launcher_table()) names.emplace_back(b.name);
    app.add_option("--backend", o.backend,
                   "transport (default: $PAPERS_BACKEND, else sim); auto picks one as Backends below says")
        ->check(CLI::IsMember(names));
    app.add_option("--timeout", o.timeout_s, "seconds a PAPERS wait may take (sets PAPERS_TIMEOUT)")
        ->check(seconds_up_to(kMaxRankTimeoutS, "--timeout"));
    app.add_option("--job-timeout", o.job_timeout_s,
                   "kill the job after this many seconds of wall time (exit 124)")
        ->check(seconds_up_to(kMaxJobTimeoutS, "--job-timeout"));
    app.add_option("--trace", o.trace,
                   "waveform of the hub's pins and of every PE's calls and exchanges: FILE.vcd, "
                   "or FILE.fst (needs vcd2fst), plus FILE.gtkw for GTKWave (sim backend)");
    app.add_option("--hub-tree", o.hub_tree,
                   "sim backend: a hub tree instead of one hub, P ranks on each of L leaf hubs "
                   "(PxL, e.g. 8x2; docs/hub-tree.md)");
    app.add_option("--port", o.port, "parallel port of the real hub (hub backend; sets PAPERS_PORT)");
    app.add_option("--hosts", o.hosts,
                   "udp backend: host[:port] of each rank, comma-separated (remote ones via ssh)");
    app.add_option("--hostfile", o.hostfile, "udp backend: file with one host[:port] per rank");
    app.add_option("--hubsim", o.hubsim,
                   "papers-hubsim to run (default: next to papersrun, else on PATH)");
    app.add_option("--sim-ready-timeout", o.sim_ready_timeout_s,
                   "seconds to wait for the simulator to serve (default 10)")
        ->check(seconds_up_to(kMaxReadyTimeoutS, "--sim-ready-timeout"));
    app.add_flag("--dipc", o.dipc,
                 "DIPC: a referee and one papers-dipcd per host for the job, libpapers_dipc.so "
                 "preloaded, each rank in its own IPC namespace (docs/papersrun.md)");
    app.add_option("--dipc-lib", o.dipc_lib,
                   "--dipc: the interposer to preload (default: libpapers_dipc.so in papersrun's libdir)");
    app.add_option("--dipc-keys", o.dipc_keys,
                   "--dipc: PAPERS_DIPC_KEYS for the ranks: flag, all, or keys and ranges "
                   "(0x1234,0x5000-0x50ff)");
    app.add_option("--dipcd", o.dipcd, "--dipc: papers-dipcd to run (default: next to papersrun, else on PATH)");
    app.add_option("--dipc-option", o.dipc_options,
                   "--dipc: KEY=VALUE for the referee, where the cluster's limits and shared-memory "
                   "options are set (e.g. semopm=64, dsm-min-residency-us=500; docs/dipc.md lists them); "
                   "repeatable")
        ->check([](const std::string& v) {
            auto eq = v.find('=');
            return eq == std::string::npos || eq == 0 ? std::string("expected KEY=VALUE, got '" + v + "'")
                                                      : std::string();
        });
    app.add_option("--dipc-ready-timeout", o.dipc_ready_timeout_s,
                   "--dipc: seconds to wait for the daemons to serve (default 20)")
        ->check(seconds_up_to(kMaxReadyTimeoutS, "--dipc-ready-timeout"));
    app.add_flag("--tag-output", o.tag_output, "prefix every output line with [rank]");
    app.add_flag("-v,--verbose", o.verbose, "say which backend, job id and simulator are used");

    std::ostringstream footer;
    footer << "Backends:\n";
    for (const auto& b : launcher_table()) {
        std::string name(b.name);
        footer << "  " << name << std::string(10 - std::min<size_t>(name.size(), 9), ' ') << b.summary
               << "\n";
    }
    footer << "Exit status: 0 if every rank exited 0; else the first failing rank's status\n"
              "(128+signal if killed); 124 --job-timeout; 130/143 on SIGINT/SIGTERM;\n"
              "2 bad command line; 1 launch failure. See docs/papersrun.md.\n";
    app.footer(footer.str());
}

// Options that consume the next word as their value. CLI11 does not accept
// a one-dash long name, so "-np" is rewritten; joining "--opt=value" also
// lets a value start with '-' ("-np -1" then reaches our own check).
const CLI::Option* option_taking_value(const CLI::App& app, const std::string& name) {
    const CLI::Option* opt = app.get_option_no_throw(name);
    if (opt == nullptr || opt->get_items_expected_min() == 0) return nullptr;
    return opt;
}

}  // namespace

SplitArgs split_arguments(const std::vector<std::string>& args) {
    RunOptions scratch;
    CLI::App app{"", "papersrun"};
    define_options(app, scratch);
    SplitArgs out;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        if (a == "--") {
            out.command.assign(args.begin() + static_cast<long>(i) + 1, args.end());
            return out;
        }
        if (a.size() < 2 || a[0] != '-') {  // the program
            out.command.assign(args.begin() + static_cast<long>(i), args.end());
            return out;
        }
        if (a == "-np" || a.rfind("-np=", 0) == 0) a = "-" + a;
        if (a.find('=') == std::string::npos) {
            if (const CLI::Option* opt = option_taking_value(app, a)) {
                if (i + 1 < args.size() && !opt->get_lnames().empty()) {
                    a = "--" + opt->get_lnames().front() + "=" + args[++i];
                }
            }
        }
        out.launcher.push_back(a);
    }
    return out;
}

ParseResult parse_command_line(const std::vector<std::string>& args) {
    ParseResult result;
    RunOptions& o = result.options;
    CLI::App app{"", "papersrun"};
    define_options(app, o);
    SplitArgs split = split_arguments(args);
    std::vector<std::string> reversed(split.launcher.rbegin(), split.launcher.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        result.exit_now = true;
        result.exit_code = app.exit(e);
        return result;
    } catch (const CLI::ParseError& e) {
        throw LaunchError(kExitUsage, std::string(e.what()) + "\nRun 'papersrun --help' for usage.");
    }
    o.command = std::move(split.command);
    if (!o.np)
        throw LaunchError(kExitUsage, "-np N is required (the number of ranks to start)");
    if (*o.np <= 0)
        throw LaunchError(kExitUsage,
                          "-np " + std::to_string(*o.np) + ": the number of ranks must be at least 1");
    if (!o.dipc) {
        const std::pair<bool, const char*> dipc_only[] = {
            {!o.dipc_lib.empty(), "--dipc-lib"},
            {!o.dipc_keys.empty(), "--dipc-keys"},
            {!o.dipcd.empty(), "--dipcd"},
            {!o.dipc_options.empty(), "--dipc-option"},
            {app.get_option("--dipc-ready-timeout")->count() > 0, "--dipc-ready-timeout"}};
        for (const auto& [given, name] : dipc_only)
            if (given) throw LaunchError(kExitUsage, std::string(name) + " belongs to a DIPC job; it needs --dipc");
    }
    if (o.command.empty())
        throw LaunchError(kExitUsage,
                          "no PROGRAM given\nusage: papersrun -np N [options] [--] PROGRAM [ARGS...]");
    return result;
}

}  // namespace papersrun
