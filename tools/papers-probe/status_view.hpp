// status_view.hpp — what a STATUS register says about the cable and hub.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace papers::probe {

enum class Seen {
    no_port,    // reads 0xff: nothing decodes this I/O address
    no_hub,     // all five inputs high (floating), or inputs that change by themselves
    hub         // a plausible hub state, G and R decoded
};

struct StatusView {
    Seen seen = Seen::no_hub;
    unsigned g = 0, r = 0;
    std::string text;  // one or two sentences for the user
};

// `samples`: raw register values (as inb returns them) read a few ms apart
// while this PE left its own DATA alone.
StatusView interpret_status(const std::vector<std::uint8_t>& samples);

}  // namespace papers::probe
