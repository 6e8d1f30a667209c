// pins.hpp — the bit layout of hub protocol 1 (docs/hub-protocol.md §2-3),
// in one place so the engine, the simulated port, the hub simulator and the
// hardware drivers cannot disagree.
#pragma once
#include <cstdint>

namespace papers::pins {

// DATA byte, PE -> hub (pins 2..9 = D0..D7).
inline constexpr std::uint8_t kDataX = 0x0F;    // X0..X3, pins 2..5
inline constexpr int kDataStrobeBit = 4;        // S, pin 6
inline constexpr int kDataLedBit = 5;           // L, pin 7 (hint only)

constexpr std::uint8_t data_byte(unsigned strobe, std::uint8_t x, bool led) {
    return static_cast<std::uint8_t>(((strobe & 1u) << kDataStrobeBit) |
                                     (led ? 1u << kDataLedBit : 0u) | (x & kDataX));
}
constexpr std::uint8_t data_x(std::uint8_t d) { return d & kDataX; }
constexpr unsigned data_strobe(std::uint8_t d) { return (d >> kDataStrobeBit) & 1u; }

// STATUS register, hub -> PE, as `inb(base+1)` returns it: R0..R3 on bits
// 3..6 (pins 15, 13, 12, 10) and G on bit 7 (pin 11, BUSY), which the port
// hardware inverts. Bits 0..2 are not connected and must be ignored.
inline constexpr int kStatusRShift = 3;
inline constexpr std::uint8_t kStatusBusy = 0x80;

constexpr std::uint8_t status_r(std::uint8_t st) { return (st >> kStatusRShift) & 0xF; }
constexpr unsigned status_g(std::uint8_t st) { return ((st >> 7) & 1u) ^ 1u; }

// Pin levels on the status pins (what the hub drives, and what libieee1284's
// ieee1284_read_status returns: BUSY not inverted), in status-bit positions.
constexpr std::uint8_t status_pins(unsigned g, std::uint8_t r) {
    return static_cast<std::uint8_t>(((g & 1u) << 7) | ((r & 0xF) << kStatusRShift));
}
// Register value seen by inb for given pin levels (BUSY inverted).
constexpr std::uint8_t register_from_pins(std::uint8_t pin_levels) {
    return pin_levels ^ kStatusBusy;
}
constexpr std::uint8_t pins_from_register(std::uint8_t reg) { return reg ^ kStatusBusy; }

// CONTROL: written once at open, never again (spec §1).
inline constexpr std::uint8_t kControlAtOpen = 0x04;

}  // namespace papers::pins
