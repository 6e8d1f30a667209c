#include "gtkw_save.hpp"

#include <fstream>

namespace papers::trace {

namespace {

// GTKWave's trace flags (the "@" lines): right-justified, then the number format.
constexpr const char* kComment = "@200";
constexpr const char* kAscii = "@820";
constexpr const char* kDecimal = "@24";
constexpr const char* kBinary = "@28";
constexpr const char* kHex = "@22";

}  // namespace

bool write_gtkw(const std::string& gtkw, const std::string& dumpfile, const VcdLayout& layout,
                std::string& err) {
    std::ofstream out(gtkw);
    if (!out) {
        err = "cannot write " + gtkw;
        return false;
    }
    out << "[*] papers hub trace: written by papersrun --trace (sim-verilog/trace/)\n"
        << "[dumpfile] \"" << dumpfile << "\"\n"
        << "[timestart] 0\n"
        << "[size] 1600 900\n"
        << "[signals_width] 260\n"
        << "[sst_expanded] 0\n";
    for (int k = 0; k < layout.pes; ++k) {
        const std::string pe = "papers.pe" + std::to_string(k) + ".";
        out << kComment << "\n-PE " << k << "\n"
            << kAscii << "\n" << pe << "call[" << 8 * kCallChars - 1 << ":0]\n"
            << pe << "step[" << 8 * kStepChars - 1 << ":0]\n"
            << kDecimal << "\n" << pe << "exchange[31:0]\n"
            << kBinary << "\n" << pe << "data_write\n" << pe << "status_read\n"
            << kDecimal << "\n" << pe << "status_reads[31:0]\n";
        if (layout.per_pe_pins) out << kHex << "\n" << pe << "x[3:0]\n" << kBinary << "\n" << pe << "s\n";
    }
    out << kComment << "\n-hub\n";
    for (const auto& name : layout.hub_signals)
        out << (name.find('[') == std::string::npos ? kBinary : kHex) << "\n" << name << "\n";
    out.flush();
    if (!out) {
        err = "writing " + gtkw + " failed";
        return false;
    }
    return true;
}

}  // namespace papers::trace
