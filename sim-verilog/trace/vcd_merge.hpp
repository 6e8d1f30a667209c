// vcd_merge.hpp — puts the PEs' trace notes into the hub's VCD, so one waveform shows which
// papers call and which exchange every pin change belongs to. For each PE a scope
// papers.pe<k> with: call and step (ASCII), exchange (number within the call), data_write
// and status_read (events), status_reads (STATUS reads in the last exchange, polls included) and,
// on the flat hub, the PE's own DATA pins x and s cut out of the hub's x_i and s_i.
// The VCD is streamed, not loaded: a long run costs disk, not memory.
#pragma once
#include <string>
#include <vector>

#include "notes_reader.hpp"

namespace papers::trace {

// Where the hub's own signals are, for the save file (dot-separated VCD names, with the
// [msb:lsb] suffix on vectors as GTKWave names them). Empty if not in the VCD.
struct VcdLayout {
    int pes = 0;
    bool per_pe_pins = false;                // papers.pe<k>.x / .s exist
    std::vector<std::string> hub_signals;    // clk_i, g_o, r_o (flat hub), or the tree's
};

// Label widths in characters (8 bits each in the VCD).
inline constexpr int kCallChars = 24;
inline constexpr int kStepChars = 32;

struct MergeOptions {
    bool split_pins = true;  // flat hub: PE k is on port k (not so on a hub tree)
};

// Reads vcd_in, writes vcd_out (must differ). False with err (vcd_out then incomplete).
bool merge_notes_into_vcd(const std::string& vcd_in, const std::string& vcd_out,
                          const PeNotes& notes, const MergeOptions& options, VcdLayout& layout,
                          std::string& err);

}  // namespace papers::trace
