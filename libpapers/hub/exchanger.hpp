// exchanger.hpp — the one primitive every hub-style backend offers: each PE
// contributes a nybble and every PE gets the NAND of all of them (spec §5).
// HubExchanger does it through a hub (outb + poll inb); CapersExchanger
// (capers/) computes it over a LapLink cable. NybbleBackend builds every
// aggregate operation on top, so both run the unchanged engine.
#pragma once
#include <cstddef>
#include <cstdint>

#include "papers/driver/port.hpp"

namespace papers::hub {

// Where an exchange happens, for the timeout message ("bcast, byte 3 of 4").
struct Step {
    const char* op;     // the collective, e.g. "bcast"
    const char* phase;  // what the exchange does within it, e.g. "data byte"
    std::size_t index;  // which one (byte, round, bit ...)
};

class Exchanger {
public:
    virtual ~Exchanger() = default;
    // Synchronise with the hub at open (spec §6): read G, write S = G.
    virtual int start() = 0;
    // One exchange: *r = NAND over all PEs of their x (4 bits).
    virtual int nand(std::uint8_t x, std::uint8_t* r, const Step& where) = 0;
    // Leave the hub in its power-on state (G = 0, S = 0, L = 0). Collective.
    virtual int finish() = 0;
    // Exchanges done since construction.
    virtual std::uint64_t exchanges() const = 0;
    virtual driver::Port& port() = 0;
};

}  // namespace papers::hub
