// gtkw_save.hpp — a GTKWave save file for a merged hub trace: one group per PE (the call
// and the exchange on top, then the port accesses and the PE's pins), the hub's clock and
// G/R below, so `gtkwave hub.vcd hub.gtkw` opens on a readable picture.
#pragma once
#include <string>

#include "vcd_merge.hpp"

namespace papers::trace {

// Writes `gtkw` for the waveform `dumpfile` described by `layout`. False with err.
bool write_gtkw(const std::string& gtkw, const std::string& dumpfile, const VcdLayout& layout,
                std::string& err);

}  // namespace papers::trace
