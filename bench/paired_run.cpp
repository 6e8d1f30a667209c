#include "paired_run.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "turns.h"

namespace papers::bench {

namespace {

FILE* start(const std::string& cmd, bool verbose) {
    if (verbose) std::cerr << "papers-bench: " << cmd << "\n";
    return popen(cmd.c_str(), "r");
}

// Reads the records a started command prints, then its exit status.
std::vector<Record> finish(FILE* f, bool verbose, int& status) {
    std::vector<Record> out;
    if (!f) {
        status = -1;
        return out;
    }
    char line[4096];
    while (std::fgets(line, sizeof line, f)) {
        Record r;
        if (parse_record(line, r)) out.push_back(r);
        else if (verbose) std::cerr << line;
    }
    status = pclose(f);
    return out;
}

bool check(const char* who, int status, const std::vector<Record>& recs, std::size_t records,
           std::string& err) {
    if (status == 0 && recs.size() == records) return true;
    err = std::string("the ") + who + " run failed (status " + std::to_string(status) +
          "); rerun with -v";
    return false;
}

// The shared page of turns.h for one interleaved run; removed on scope exit.
class SharedTurns {
public:
    explicit SharedTurns(int np)
        : name_("/papers-bench-" + std::to_string(getpid())),
          t_(bench_turns_create(name_.c_str(), std::uint32_t(np), std::uint32_t(np))) {}
    ~SharedTurns() {
        if (!t_) return;
        munmap(t_, sizeof(bench_turns));
        shm_unlink(name_.c_str());
    }
    bool ok() const { return t_ != nullptr; }
    const std::string& name() const { return name_; }

private:
    std::string name_;
    bench_turns* t_ = nullptr;
};

}  // namespace

bool run_pair(const std::string& papers_cmd, const std::string& ref_cmd, int np, int blocks,
              std::size_t records, bool verbose, PairedRun& out, std::string& err) {
    int status = 0;
    if (blocks <= 1 || ref_cmd.empty()) {  // one after the other
        out.papers = finish(start(papers_cmd, verbose), verbose, status);
        if (!check("papers", status, out.papers, records, err)) return false;
        if (ref_cmd.empty()) return true;
        out.ref = finish(start(ref_cmd, verbose), verbose, status);
        return check("reference", status, out.ref, records, err);
    }
    SharedTurns turns(np);
    if (!turns.ok()) {
        err = "cannot create the shared memory for --blocks";
        return false;
    }
    // Both jobs inherit PAPERS_BENCH_TURNS; each command sets its job index.
    setenv("PAPERS_BENCH_TURNS", turns.name().c_str(), 1);
    FILE* p = start("PAPERS_BENCH_JOB=0 " + papers_cmd, verbose);
    FILE* r = start("PAPERS_BENCH_JOB=1 " + ref_cmd, verbose);
    unsetenv("PAPERS_BENCH_TURNS");
    out.papers = finish(p, verbose, status);
    const bool papers_ok = check("papers", status, out.papers, records, err);
    out.ref = finish(r, verbose, status);  // a failed papers job makes it time out
    if (!papers_ok) return false;
    return check("reference", status, out.ref, records, err);
}

}  // namespace papers::bench
