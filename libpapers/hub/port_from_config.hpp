// port_from_config.hpp — a real parallel port for the hub and capers
// backends, from PAPERS_PORT / PAPERS_PORT_ACCESS, with the driver's
// failure mapped to a PAPERS_E* code and message.
#pragma once
#include <memory>

#include "../core/config.hpp"
#include "papers/driver/port.hpp"

namespace papers::hub {

// nullptr on failure, with *code and the error message set; `who` names the
// backend in the message ("hub", "capers").
std::unique_ptr<driver::Port> open_config_port(const Config& cfg, const char* who, int* code);

}  // namespace papers::hub
