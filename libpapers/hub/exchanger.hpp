// exchanger.hpp — the one primitive every hub-style backend offers: each PE
// contributes a nybble and every PE gets the NAND of all of them (spec §5).
// HubExchanger does it through a hub (outb + poll inb); CapersExchanger
// (capers/) computes it over a LapLink cable. HubEngine builds every
// aggregate operation on top, so both run the unchanged engine.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "papers/driver/port.hpp"

namespace papers::hub {

// Where an exchange happens, for the timeout message ("bcast, byte 3 of 4").
struct ExchangeLabel {
    const char* op;     // the collective, e.g. "bcast"
    const char* phase;  // what the exchange does within it, e.g. "data byte"
    std::size_t index;  // which one (byte, round, bit ...)
};

class Exchanger {
public:
    virtual ~Exchanger() = default;
    Exchanger(const Exchanger&) = delete;
    Exchanger& operator=(const Exchanger&) = delete;

    // Synchronise with the hub at open (spec §6): read G, write S = G.
    virtual int start() = 0;
    // One exchange: *r = NAND over all PEs of their x (4 bits).
    virtual int nand(std::uint8_t x, std::uint8_t* r, const ExchangeLabel& where) = 0;
    // Leave the hub in its power-on state (G = 0, S = 0, L = 0). Collective.
    virtual int finish() = 0;
    // Exchanges done since construction.
    std::uint64_t exchanges() const { return exchanges_; }

    driver::Port& port() { return port_; }
    const driver::PortCounters& port_counters() const { return port_.counters(); }

protected:
    // The backends' form: the exchanger owns its port.
    explicit Exchanger(std::unique_ptr<driver::Port> port) : owned_(std::move(port)), port_(*owned_) {}
    // Tools and tests that drive a port they hold themselves.
    explicit Exchanger(driver::Port& port) : port_(port) {}

    std::uint64_t exchanges_ = 0;

private:
    std::unique_ptr<driver::Port> owned_;

protected:
    driver::Port& port_;  // *owned_, or the borrowed port
};

}  // namespace papers::hub
