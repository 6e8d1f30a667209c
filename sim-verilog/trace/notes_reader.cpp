#include "notes_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "hub_clock.hpp"

namespace papers::trace {

namespace {

bool parse_line(const std::string& line, int pe, Note& n, std::string& why) {
    std::istringstream in(line);
    std::uint64_t clock = 0;
    if (!(in >> clock >> n.kind)) {
        why = "no clock and kind";
        return false;
    }
    n.time_ns = clock * sim::kHubClockPeriodNs;
    n.pe = pe;
    switch (n.kind) {
        case 'c':
        case 'x':
            if (n.kind == 'x' && !(in >> n.number)) {
                why = "an exchange without its number";
                return false;
            }
            in >> std::ws;
            std::getline(in, n.text);
            return true;
        case 'r':
            if (!(in >> n.number)) {
                why = "a read without its count";
                return false;
            }
            return true;
        case 'i': return true;
        default: why = std::string("unknown kind '") + n.kind + "'"; return false;
    }
}

}  // namespace

bool read_notes(const std::string& dir, PeNotes& out, std::string& err) {
    namespace fs = std::filesystem;
    const std::regex name(R"(pe(\d+)\.notes)");
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::smatch m;
        const std::string file = entry.path().filename().string();
        if (!std::regex_match(file, m, name)) continue;
        const int pe = std::stoi(m[1]);
        out.pes = std::max(out.pes, pe + 1);
        std::ifstream in(entry.path());
        int lineno = 0;
        for (std::string line; std::getline(in, line);) {
            ++lineno;
            Note n{};
            std::string why;
            if (!parse_line(line, pe, n, why)) {
                err = entry.path().string() + ":" + std::to_string(lineno) + ": " + why;
                return false;
            }
            out.notes.push_back(std::move(n));
        }
    }
    if (ec) {
        err = "cannot read the trace notes in " + dir + ": " + ec.message();
        return false;
    }
    std::stable_sort(out.notes.begin(), out.notes.end(),
                     [](const Note& a, const Note& b) { return a.time_ns < b.time_ns; });
    return true;
}

}  // namespace papers::trace
