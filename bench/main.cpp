// papers-bench — latency (median, p99) and port accesses per operation for
// a backend, optionally next to Open MPI measured in the same invocation.
//
//   papers-bench --backend sim -np 4 --ops barrier,allreduce --compare-mpi
//   papers-bench --backend sim -np 2 --ops barrier --compare-backend shm --blocks 20
//
// The driver starts `papersrun -np N --backend B papers-bench --worker ...`
// and, with --compare-mpi, `mpirun ... papers-bench-mpi ...`, collects the
// JSON records the ranks print and reports them with the ratio to MPI.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench_ops.hpp"
#include "record.hpp"
#include "spin_reference.hpp"
#include "paired_run.hpp"
#include "trials.hpp"
#include "dipc_mode.hpp"
#include "shell_quote.hpp"
#include "interposer_mode.hpp"
#include "worker.hpp"

namespace fs = std::filesystem;
using papers::bench::Record;

namespace {

fs::path self_dir() {
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path(".") : p.parent_path();
}


}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"papers-bench: latency and port accesses per papers operation", "papers-bench"};
    std::string backend = "sim", ops_list = "barrier,allreduce", mpi_extra, label, json_out;
    int np = 4, iters = 2000, warmup = 200, trials = 1, blocks = 1;
    bool json = false, worker = false, compare_mpi = false, mpi_tcp = false, verbose = false;
    bool compare_spin = false, interposer = false, dipc = false, dsm = false;
    int residency_us = 0;
    std::string compare_backend;
    app.add_option("--backend", backend, "sim, shm, udp, capers, mpi, hub");
    app.add_option("-n,--np", np, "number of PEs")->check(CLI::Range(1, 64));
    app.add_option("--ops", ops_list,
                   "comma list: barrier, any, allreduce[:bytes], allreduce_double[:bytes], "
                   "bcast[:bytes], gather[:bytes]");
    app.add_option("--iters", iters, "timed iterations per operation")->check(CLI::Range(1, 10000000));
    app.add_option("--warmup", warmup, "untimed iterations first")->check(CLI::Range(0, 10000000));
    app.add_option("--trials", trials,
                   "alternate the papers and reference runs this many times; report medians over "
                   "trials and the median of the per-trial ratios")
        ->check(CLI::Range(1, 100));
    app.add_option("--blocks", blocks,
                   "with a reference (--compare-mpi, --compare-backend): run both jobs at the same "
                   "time, taking turns in this many blocks of iterations per operation")
        ->check(CLI::Range(1, 1000));
    app.add_flag("--json", json, "print JSON records instead of a table");
    app.add_option("--json-out", json_out,
                   "also append the JSON records to FILE (bench/record-performance.sh plots them)");
    app.add_flag("--compare-mpi", compare_mpi, "also run the same operations through Open MPI");
    app.add_option("--compare-backend", compare_backend,
                   "also run the same operations on this papers backend as the reference (e.g. "
                   "--backend sim --compare-backend shm); with --blocks both jobs take turns");
    app.add_flag("--compare-spin", compare_spin,
                 "also time a hand-written spin barrier among np processes (np <= cores)");
    app.add_flag("--mpi-interposer", interposer,
                 "MPI_Barrier/MPI_Allreduce via Open MPI alone vs via libpapers_pmpi.so on the "
                 "simulated hub");
    app.add_flag("--dipc", dipc,
                 "the DIPC layer (semop, message ping-pong) between 2 hosts next to raw TCP "
                 "(papersrun --dipc, papers-bench-dipc)");
    app.add_flag("--dsm", dsm,
                 "the DIPC layer's shared memory (read miss, write upgrade, page ping-pong) on 4 "
                 "hosts next to a raw TCP 4 KiB round trip");
    app.add_option("--dsm-residency-us", residency_us, "with --dsm: the cluster's minimum page residency")
        ->check(CLI::Range(0, 1000000));
    app.add_flag("--mpi-tcp", mpi_tcp, "force Open MPI onto TCP (--mca btl tcp,self)");
    app.add_option("--mpi-args", mpi_extra, "extra mpirun arguments");
    app.add_flag("-v,--verbose", verbose, "show the commands run");
    app.add_flag("--worker", worker, "internal: run as one rank under papersrun");
    app.add_option("--label", label, "internal: implementation label in the records");
    // MPI habit: accept -np N as well as --np N.
    std::vector<std::string> args_in;
    for (int i = argc - 1; i >= 1; --i)
        args_in.push_back(std::string(argv[i]) == "-np" ? "--np" : argv[i]);
    try {
        app.parse(args_in);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    blocks = std::min(blocks, iters);  // the workers count turns alike
    std::string err;
    auto ops = papers::bench::parse_ops(ops_list, err);
    if (ops.empty()) {
        std::cerr << "papers-bench: " << err << "\n";
        return 2;
    }
    if (worker)
        return papers::bench::run_worker(ops, iters, warmup, label.empty() ? "papers" : label.c_str(),
                                         blocks);

    const fs::path dir = self_dir();
    if (interposer) return papers::bench::run_interposer_comparison(dir, np, iters, json, verbose);
    if (dipc || dsm) return papers::bench::run_dipc_comparison(dir, dsm, iters, blocks, residency_us, verbose);
    const std::string args = " --ops " + papers::bench::shell_quote(ops_list) + " --iters " + std::to_string(iters) +
                             " --warmup " + std::to_string(warmup) + " --blocks " +
                             std::to_string(blocks);
    const std::string papers_cmd = papers::bench::shell_quote((dir / "papersrun").string()) + " -np " + std::to_string(np) +
                                   " --backend " + papers::bench::shell_quote(backend) + " -- " +
                                   papers::bench::shell_quote((dir / "papers-bench").string()) + " --worker" + args;
    if (compare_mpi && !compare_backend.empty()) {
        std::cerr << "papers-bench: --compare-mpi and --compare-backend exclude each other\n";
        return 2;
    }
    const std::string mpi_label = mpi_tcp ? "openmpi-tcp" : "openmpi";
    const std::string mpi_cmd = std::string("mpirun --allow-run-as-root --oversubscribe ") +
                                "-x PAPERS_BENCH_TURNS -x PAPERS_BENCH_JOB -np " + std::to_string(np) + (mpi_tcp ? " --mca btl tcp,self" : "") + " " +
                                mpi_extra + " " + papers::bench::shell_quote((dir / "papers-bench-mpi").string()) + args +
                                " --label " + mpi_label + " 2>&1";
    // Another papers backend as the reference: the same worker under papersrun, labelled with
    // its backend so the records tell the two jobs apart.
    const std::string backend_cmd = papers::bench::shell_quote((dir / "papersrun").string()) + " -np " +
                                    std::to_string(np) + " --backend " + papers::bench::shell_quote(compare_backend) +
                                    " -- " + papers::bench::shell_quote((dir / "papers-bench").string()) + " --worker" +
                                    args + " --label " + papers::bench::shell_quote(compare_backend);
    const bool has_ref = compare_mpi || !compare_backend.empty();
    const std::string ref_cmd = compare_mpi ? mpi_cmd : compare_backend.empty() ? "" : backend_cmd;
    std::vector<std::vector<Record>> runs, ref_runs;
    for (int k = 0; k < trials; ++k) {
        papers::bench::PairedRun run;
        std::string err;
        if (!papers::bench::run_pair(papers_cmd, ref_cmd, np, blocks, ops.size(), verbose, run,
                                     err)) {
            std::cerr << "papers-bench: " << err << "\n";
            return 1;
        }
        runs.push_back(run.papers);
        if (has_ref) ref_runs.push_back(run.ref);
    }
    std::vector<Record> recs = runs.front();
    std::vector<Record> ref = has_ref ? ref_runs.front() : std::vector<Record>{};
    if (trials > 1) {
        recs = papers::bench::combine_trials(runs, ref_runs);
        if (has_ref) ref = papers::bench::combine_trials(ref_runs, {});
    }
    papers::bench::print_report(recs, ref, json);
    if (!json_out.empty()) {
        std::ofstream out(json_out, std::ios::app);
        for (const Record& r : recs)
            out << papers::bench::to_json(r, papers::bench::matching(ref, r)) << "\n";
        for (const Record& r : ref) out << papers::bench::to_json(r, nullptr) << "\n";
        if (!out) {
            std::cerr << "papers-bench: cannot append to " << json_out << "\n";
            return 1;
        }
    }
    if (!json && has_ref && blocks > 1)
        std::printf("papers and the reference ran at the same time, taking turns in %d blocks per "
                    "operation\n",
                    blocks);
    if (compare_spin) {
        Record spin;
        if (!papers::bench::run_spin_reference(np, iters, warmup, spin)) {
            std::cerr << "papers-bench: spin reference failed\n";
            return 1;
        }
        for (const Record& r : recs)
            if (r.op == "barrier") {
                if (json) std::cout << papers::bench::to_json(r, &spin) << "\n";
                else
                    std::printf("barrier vs hand-written spin barrier: %.3f us vs %.3f us, ratio %.3f\n",
                                r.median_us, spin.median_us, r.median_us / spin.median_us);
            }
        if (json) std::cout << papers::bench::to_json(spin, nullptr) << "\n";
    }
    return 0;
}
