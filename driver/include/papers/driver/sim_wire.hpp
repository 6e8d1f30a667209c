// sim_wire.hpp — the shared-memory "cable" between PE processes and the hub
// simulator (papers-hubsim). Each PE owns one DATA register; the simulator
// owns the STATUS pins of every port. Nothing here computes hub logic: the
// Verilated RTL does (sim-verilog/hubsim/hub_server.cpp).
//
// Two ways the RTL runs (EvalMode, docs/sim-eval.md):
// - served: papers-hubsim evaluates the RTL whenever a DATA register moves.
//   Waking, in both directions: a writer bumps a sequence word and calls
//   FUTEX_WAKE only if the other side announced it is about to sleep, so a
//   busy simulator costs no system call.
// - direct: the PE that writes DATA evaluates the same Verilated RTL itself,
//   in its own process, under the wire's lock: it restores the model's state
//   from the wire (DirectState), applies the DATA registers, clocks the RTL
//   until it settles, publishes G/R and saves the state back. The RTL code
//   comes from the plugin papers-hubsim names in `evaluator_path`, so every
//   process runs the build that wrote the state.
#pragma once
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "papers/driver/sealed_words.hpp"

namespace papers::sim {

inline constexpr std::uint32_t kWireMagic = 0x50415053;  // "PAPS"
inline constexpr std::uint32_t kWireLayout = 2;          // bump on layout change
inline constexpr int kMaxPorts = 64;
inline constexpr std::uint32_t kProtocolVersion = 1;  // hub protocol (spec §9)

enum class WireMode : std::uint32_t {
    hub = 0,     // every port sees the hub's G and R
    laplink = 1  // CAPERS: ports 0 and 1 wired crosswise (spec §8)
};

enum class EvalMode : std::uint32_t {
    served = 0,  // papers-hubsim evaluates the RTL (traces, the LapLink cable)
    direct = 1   // each PE evaluates the RTL when it writes DATA (the default)
};

// Bytes of saved RTL state a slot holds (the flat hub's is about 200, the default tree's
// about 400; the plugin refuses a model whose state does not fit).
inline constexpr std::size_t kStateBytes = 4096;
inline constexpr std::size_t kEvaluatorPathBytes = 512;

// The hub's state in direct mode: the last committed slot is slots[gen & 1]. An evaluation
// writes the other slot and only then bumps gen, so a PE that dies while evaluating (the
// lock is robust) leaves the previous state whole.
struct HubState {
    std::uint8_t applied[kMaxPorts];  // DATA bytes the RTL's pins carry
    std::uint64_t evals;              // input changes evaluated so far
    std::uint32_t size;               // bytes of `bytes` in use
    std::uint8_t bytes[kStateBytes];  // the model's saved state (HubModel::save_state)
};

struct DirectState {
    pthread_mutex_t lock;             // process-shared, robust
    std::atomic<std::uint32_t> gen;   // committed evaluations (+ power-on)
    HubState slots[2];
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
    EvalMode eval_mode;
    std::int32_t tree_leaf_ports;  // hub tree shape (--tree PxL); 0 for the flat hub
    std::int32_t tree_leaves;
    char evaluator_path[kEvaluatorPathBytes];  // direct mode: the RTL plugin to load

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

    // Direct mode only.
    alignas(64) DirectState direct;
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

// The wire's header as the simulator wrote it once before `ready`
// (sealed_words.hpp): a PE seals it when it attaches, and changed() names the
// first field that differs later (a stray or hostile write into a live wire by
// a process of the job's own user, which the ownership checks at open cannot
// stop).
driver::SealedWords<Wire> wire_header_seal();

// Initialise a freshly created wire (called by the simulator).
void wire_init(Wire& w, std::uint32_t nports, std::uint32_t hub_version, WireMode mode);

}  // namespace papers::sim
