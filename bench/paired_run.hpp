// paired_run.hpp — one run of the papers job and, optionally, of its
// reference job: one after the other, or both at once taking turns block by
// block (turns.h) when blocks > 1.
#pragma once
#include <string>
#include <vector>

#include "record.hpp"

namespace papers::bench {

struct PairedRun {
    std::vector<Record> papers, ref;
};

// Runs the shell commands (ref_cmd empty: no reference) and collects the
// JSON records each prints; `np` ranks per job. With blocks > 1 and a
// reference, both jobs start together and alternate. Returns false with
// `err` when a job fails or prints fewer than `records` records.
bool run_pair(const std::string& papers_cmd, const std::string& ref_cmd, int np, int blocks,
              std::size_t records, bool verbose, PairedRun& out, std::string& err);

}  // namespace papers::bench
