// trace_output.hpp — papersrun --trace FILE.vcd | FILE.fst. papers-hubsim writes the raw
// VCD of the hub's pins into a scratch directory next to FILE, where every rank also writes
// its trace notes (PAPERS_SIM_TRACE_NOTES); after the job, finish_trace merges the notes in
// (sim-verilog/trace/), writes FILE.gtkw next to FILE and, for .fst, converts with vcd2fst
// (GTKWave's: the notes are merged into text, so the FST is made from the merged VCD).
#pragma once
#include <string>

namespace papersrun {

struct TracePlan {
    std::string output;     // FILE as given
    std::string gtkw;       // FILE with .gtkw for its extension
    std::string scratch;    // scratch directory (removed by finish_trace)
    std::string raw_vcd;    // what papers-hubsim writes
    std::string notes_dir;  // PAPERS_SIM_TRACE_NOTES
    std::string vcd2fst;    // path of vcd2fst when FILE ends in .fst
    bool split_pins = true; // flat hub: PE k on port k
};

// Checks FILE (.vcd or .fst, vcd2fst on PATH for .fst) and makes the scratch directory.
// Throws LaunchError.
TracePlan plan_trace(const std::string& output, bool hub_tree);

// Merges, writes the save file, converts; removes the scratch directory. "" or what failed.
std::string finish_trace(const TracePlan& plan);

}  // namespace papersrun
