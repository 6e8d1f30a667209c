#include "papers/driver/sim_port.hpp"

#include <sched.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "papers/driver/pins.hpp"

namespace papers::driver {

SimPort::SimPort(sim::Wire& wire, int index) : wire_(wire), index_(index) { attach(); }

SimPort::SimPort(std::shared_ptr<sim::WireMapping> mapping, int index)
    : mapping_(std::move(mapping)), wire_(*mapping_->get()), index_(index) {
    attach();
}

void SimPort::attach() {
    header_.seal(wire_);
    if (wire_.eval_mode == sim::EvalMode::direct) {
        std::string err;
        const std::string path(wire_.evaluator_path,
                               strnlen(wire_.evaluator_path, sizeof wire_.evaluator_path));
        evaluator_ = sim::load_evaluator(wire_, path, false, err);
        if (!evaluator_) throw std::runtime_error(err);
    }
    wire_.attached[index_].store(1);
}

SimPort::~SimPort() { wire_.attached[index_].store(0); }

std::string SimPort::damage() const {
    std::string what = header_.changed(wire_, "the simulator wrote");
    if (what.empty()) return what;
    return "the simulated hub's wire " + (mapping_ ? mapping_->name() : std::string("(in-process)")) +
           " was overwritten while in use: " + what +
           " (a stray write into /dev/shm by a process of this user?)";
}

std::string SimPort::name() const {
    return "sim:" + (mapping_ ? mapping_->name() : std::string("in-process")) + "#" +
           std::to_string(index_);
}

void SimPort::do_write_data(std::uint8_t v) {
    wire_.data[index_].store(v);
    if (evaluator_) {
        // Direct mode: the hub answers before outb returns, as the TTL hub nearly does.
        evaluator_->evaluate();
        return;
    }
    wire_.data_seq.fetch_add(1);
    if (wire_.server_sleeping.load()) sim::futex_wake_all(wire_.data_seq);
}

std::uint8_t SimPort::do_read_status() {
    // Bits 0..2 float high on a real port; set them so decoders must mask.
    return static_cast<std::uint8_t>(pins::register_from_pins(wire_.status_pins[index_].load()) |
                                      0x07);
}

void SimPort::do_write_control(std::uint8_t) {
    // CONTROL drives nothing on the hub cable (spec §1); the write is counted.
}

void SimPort::idle(std::uint8_t last_status, Clock::time_point deadline) {
    // Yield first: on these VMs a futex wake-up that crosses vCPUs costs tens
    // of microseconds, a yield about one. Sleep on the futex only when the
    // wait is long (a PE computing, or one that never comes).
    const auto yield_until = Clock::now() + kYieldBeforeSleep;
    while (Clock::now() < yield_until) {
        sched_yield();
        // A poll of STATUS like any other: counted.
        if (read_status() != last_status) return;
    }
    const std::uint32_t seq = wire_.status_seq.load();
    if (do_read_status() != last_status) return;
    const auto now = Clock::now();
    if (now >= deadline) return;
    // Sleep at most 50 ms at a time so a vanished simulator is noticed.
    const auto slice = std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(50));
    wire_.pe_sleepers.fetch_add(1);
    sim::futex_wait(wire_.status_seq, seq, slice);
    wire_.pe_sleepers.fetch_sub(1);
}

}  // namespace papers::driver
