// sim_wire_check.hpp — validation of a papers-hubsim wire before a backend
// uses it (defined in sim_backend.cpp; the capers backend reuses it).
#pragma once
#include <string>

#include "papers/driver/sim_wire.hpp"

namespace papers::hub {

// PAPERS_OK, or an error (set_error) if the wire is not a live protocol-1
// simulator in `mode` with exactly `size` ports.
int check_sim_wire(const sim::Wire& w, const std::string& name, int size, sim::WireMode mode);

}  // namespace papers::hub
