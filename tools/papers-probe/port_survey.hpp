// port_survey.hpp — every parallel port this machine might have, and which
// access method reaches each one.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "papers/driver/hw_port.hpp"

namespace papers::probe {

struct Candidate {
    std::string spec;      // what PAPERS_PORT would say for it
    std::string where;     // "base 0x378, /dev/parport0 (listed by libieee1284)"
};

struct MethodTry {
    std::string method;    // "ieee1284" or "direct"
    driver::PortResult result;
};

// libieee1284's list, /dev/parport* nodes and the common ISA bases
// 0x378/0x278/0x3bc, without duplicates. `notes` gets remarks (e.g. the
// library could not list ports).
std::vector<Candidate> find_candidates(std::vector<std::string>& notes);

// Tries each access method on one candidate (ports stay open in the result).
std::vector<MethodTry> try_methods(const Candidate& c);

}  // namespace papers::probe
