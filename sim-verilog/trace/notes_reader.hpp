// notes_reader.hpp — reads the per-PE trace notes (libpapers/hub/trace_notes.hpp documents
// the lines) into one time-ordered list of what every PE did.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace papers::trace {

struct Note {
    std::uint64_t time_ns;  // VCD time: hub clocks x 20 ns
    int pe;                 // the PE's hub port
    char kind;              // 'c' call, 'i' idle, 'x' exchange begins, 'r' answer read
    std::string text;       // 'c': the call's label; 'x': the step ("data byte 3")
    std::uint64_t number;   // 'x': exchange number in the call; 'r': STATUS reads in it
};

struct PeNotes {
    std::vector<Note> notes;  // sorted by time; a PE's own notes keep their order
    int pes = 0;              // 1 + the highest port that wrote notes
};

// Reads <dir>/pe<k>.notes for every k present. False with err on a malformed line.
bool read_notes(const std::string& dir, PeNotes& out, std::string& err);

}  // namespace papers::trace
