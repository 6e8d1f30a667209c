// vcd_reader.hpp — the test's own VCD reader (independent of sim-verilog/trace): every
// signal's value changes by hierarchical name ("papers.pe0.call", "TOP.g_o").
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace trace_test {

struct Change {
    std::uint64_t time;
    std::string value;  // bits without the 'b'; "1" for an event
};

struct Vcd {
    std::string timescale;                               // e.g. "1ns"
    std::map<std::string, std::vector<Change>> signals;  // by name
    std::map<std::string, int> widths;
    bool ok = false;
    std::string error;
};

Vcd read_vcd(const std::string& path);
// A wide vector holding 8-bit characters, trailing blanks dropped.
std::string ascii(const std::string& bits);
std::uint64_t number(const std::string& bits);

}  // namespace trace_test
