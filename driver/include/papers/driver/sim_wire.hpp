// sim_wire.hpp — the shared-memory "cable" between PE processes and the hub
// simulator (papers-hubsim). Each PE owns one DATA register; the simulator
// owns the STATUS pins of every port. Nothing here computes hub logic: the
// Verilated RTL does (sim-verilog/hubsim/hub_server.cpp).
//
// Waking, in both directions: a writer bumps a sequence word and calls
// FUTEX_WAKE only if the other side announced it is about to sleep, so a
// busy simulator costs no system call.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

namespace papers::sim {

inline constexpr std::uint32_t kWireMagic = 0x50415053;  // "PAPS"
inline constexpr std::uint32_t kWireLayout = 1;          // bump on layout change
inline constexpr int kMaxPorts = 64;
inline constexpr std::uint32_t kProtocolVersion = 1;  // hub protocol (spec §9)

enum class WireMode : std::uint32_t {
    hub = 0,     // every port sees the hub's G and R
    laplink = 1  // CAPERS: ports 0 and 1 wired crosswise (spec §8)
};

struct alignas(64) Wire {
    // Written once by the simulator before `ready` is set.
    std::uint32_t magic;
    std::uint32_t layout;
    std::uint32_t nports;       // ports enabled (= PEs served)
    std::uint32_t hub_version;  // the RTL's VERSION parameter
    WireMode mode;
    std::int32_t server_pid;
    std::atomic<std::uint32_t> ready;     // 1 while the simulator serves
    std::atomic<std::uint32_t> shutdown;  // set to ask the server to stop

    // PE -> simulator.
    alignas(64) std::atomic<std::uint32_t> data_seq;        // futex word
    std::atomic<std::uint32_t> server_sleeping;             // 1: wake it
    alignas(64) std::atomic<std::uint8_t> data[kMaxPorts];  // DATA registers
    std::atomic<std::uint8_t> attached[kMaxPorts];          // 1 while a PE holds the port

    // Simulator -> PEs.
    alignas(64) std::atomic<std::uint32_t> status_seq;              // futex word
    std::atomic<std::uint32_t> pe_sleepers;                         // PEs in futex wait
    alignas(64) std::atomic<std::uint8_t> status_pins[kMaxPorts];   // pin levels
    std::atomic<std::uint64_t> hub_clocks;                          // clocks simulated
    std::atomic<std::uint64_t> hub_evals;                           // input changes served
};

// Futex helpers on a 32-bit word in shared memory. wait() returns after a
// wake, a value mismatch, a signal or the timeout (never longer).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                std::chrono::nanoseconds timeout);
void futex_wake_all(std::atomic<std::uint32_t>& word);

// Why a wire cannot serve a PE; libpapers maps it to a PAPERS_E* code.
enum class WireErr {
    none,
    not_found,     // PAPERS_ENODEV: no such object, or not a papers-hubsim wire
    not_serving,   // PAPERS_ENODEV: the simulator stopped
    version,       // PAPERS_EVERSION: another hub protocol
    wrong_mode,    // PAPERS_ENODEV: a hub where a cable was wanted, or the reverse
    wrong_ports,   // PAPERS_EMEMBERSHIP: not as many ports as PEs
};

// Checks that `w` is a live protocol-1 simulator in `mode` with exactly
// `ports` ports; `err` says what is wrong.
WireErr check_wire(const Wire& w, const std::string& name, int ports, WireMode mode,
                   std::string& err);

// A mapped wire: either a POSIX shared-memory object (across processes) or
// plain memory (the in-process form, for unit tests).
class WireMapping {
public:
    // Create a new named object (fails if it exists). Name like "/papers-123".
    static WireMapping create_shared(const std::string& name, std::string& err);
    // Open an existing object created by the simulator.
    static WireMapping open_shared(const std::string& name, std::string& err);
    // Open it and check it is a live protocol-1 simulator in `mode` with
    // exactly `ports` ports; on failure an empty mapping, `why` and `err`.
    static WireMapping open_served(const std::string& name, int ports, WireMode mode,
                                   WireErr& why, std::string& err);
    // Anonymous in-process wire.
    static WireMapping create_private();

    WireMapping() = default;
    WireMapping(WireMapping&&) noexcept;
    WireMapping& operator=(WireMapping&&) noexcept;
    ~WireMapping();

    Wire* get() const { return wire_; }
    explicit operator bool() const { return wire_ != nullptr; }
    const std::string& name() const { return name_; }
    // Remove the name (the creator does this on exit).
    void unlink();

private:
    WireMapping(Wire* w, std::string name, bool owner, bool shared)
        : wire_(w), name_(std::move(name)), owner_(owner), shared_(shared) {}
    static WireMapping map_fd(int fd, const std::string& name, bool owner, std::string& err);

    Wire* wire_ = nullptr;
    std::string name_;
    bool owner_ = false;
    bool shared_ = false;
};

// Initialise a freshly created wire (called by the simulator).
void wire_init(Wire& w, std::uint32_t nports, std::uint32_t hub_version, WireMode mode);

}  // namespace papers::sim
