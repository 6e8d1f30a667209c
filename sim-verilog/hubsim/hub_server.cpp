#include "hub_server.hpp"

#include <sched.h>

#include <chrono>

#include "hub_rtl.hpp"
#include "papers/driver/sim_evaluator.hpp"
#include "plugin_path.hpp"
#include "papers/driver/pins.hpp"

namespace papers::sim {

std::uint8_t laplink_pins_from_peer(std::uint8_t peer_data) {
    std::uint8_t pins = 0;
    for (const LaplinkWire& w : kLaplinkWires)
        if ((peer_data >> w.data_bit) & 1u) pins |= std::uint8_t(1u << w.status_bit);
    return pins;
}

HubServer::HubServer(Wire& wire, int nports, WireMode mode, std::optional<TreeShape> tree,
                     EvalMode eval)
    : wire_(wire), nports_(nports), mode_(mode), tree_(tree), eval_(eval) {}

HubServer::~HubServer() = default;

bool HubServer::prepare(std::string& err) {
    if (mode_ == WireMode::laplink) {
        if (tree_) {
            err = "a hub tree (--tree) needs hub mode; a LapLink cable has no hub";
            return false;
        }
        if (nports_ != 2) {
            err = "a LapLink cable joins exactly 2 PCs, not " + std::to_string(nports_);
            return false;
        }
        wire_init(wire_, 2, kProtocolVersion, mode_);
        return true;
    }
    model_ = tree_ ? make_tree_hub_rtl(*tree_, nports_, err) : make_flat_hub_rtl(nports_, err);
    if (!model_) return false;
    wire_init(wire_, static_cast<std::uint32_t>(nports_),
              static_cast<std::uint32_t>(model_->version()), mode_);
    if (eval_ == EvalMode::served) return true;
    // Direct: the PEs' plugin holds the RTL from here on; this process only powers it on.
    model_.reset();
    const std::string plugin = find_hubrtl_plugin(err);
    if (plugin.empty()) return false;
    return wire_init_direct(wire_, plugin, tree_ ? tree_->leaf_ports : 0, tree_ ? tree_->leaves : 0,
                            err) &&
           load_evaluator(wire_, plugin, true, err) != nullptr;
}

std::uint64_t HubServer::evaluations() const {
    return eval_ == EvalMode::direct ? wire_.hub_evals.load() : evals_;
}

bool HubServer::open_trace(const std::string& path, std::string& err) {
    if (eval_ == EvalMode::direct) {
        err = "--trace needs the served mode (--eval served): in the direct mode every PE "
              "clocks the RTL, so no one process sees every clock";
        return false;
    }
    if (!model_) {
        err = "--trace needs the hub (there is no RTL in LapLink mode)";
        return false;
    }
    return model_->open_trace(path, err);
}

// STATUS pin levels port i sees: the hub's G/R (from the RTL), or on a
// LapLink cable the other side's DATA pins.
std::uint8_t HubServer::pins_for(int port) const {
    return model_ ? model_->status_pins(port) : laplink_pins_from_peer(last_data_[1 - port]);
}

// Stores the STATUS pins that changed and, if any did, bumps the sequence
// word, waking PEs only if one announced it sleeps on it.
void HubServer::publish() {
    bool changed = false;
    for (int i = 0; i < nports_; ++i) {
        const std::uint8_t pins = pins_for(i);
        if (last_pins_[i] == pins) continue;
        last_pins_[i] = pins;
        wire_.status_pins[i].store(pins);
        changed = true;
    }
    if (!changed) return;
    wire_.status_seq.fetch_add(1);
    if (wire_.pe_sleepers.load()) futex_wake_all(wire_.status_seq);
}

void HubServer::apply_inputs_and_settle() {
    bool changed = false;
    for (int i = 0; i < nports_; ++i) {
        const std::uint8_t d = wire_.data[i].load();
        if (d == last_data_[i]) continue;
        last_data_[i] = d;
        if (model_) model_->set_data(i, d);
        changed = true;
    }
    if (!changed) return;
    ++evals_;
    wire_.hub_evals.fetch_add(1, std::memory_order_relaxed);
    if (!model_) {
        publish();
        return;
    }
    // Clock the RTL until its pipeline has settled, publishing as G/R move
    // so a PE sees a change as soon as the hub makes it.
    // hub_clocks before the pins of that clock: a PE that sees G move and reads the count
    // (trace notes, libpapers/hub/trace_notes.hpp) gets the clock of the change, not an older one.
    for (int k = 0; k < model_->settle_clocks(); ++k) {
        model_->tick();
        wire_.hub_clocks.store(model_->clocks(), std::memory_order_relaxed);
        publish();
    }
}

void HubServer::wait_for_input(std::uint32_t seen, const std::atomic<bool>& stop) {
    // Spin briefly (a PE usually answers within microseconds), then sleep on
    // the futex so an oversubscribed machine keeps its cores for the PEs.
    for (int i = 0; i < 200; ++i) {
        if (wire_.data_seq.load() != seen) return;
        __builtin_ia32_pause();
    }
    // Then yield for a while (cheap on these VMs, unlike a cross-vCPU futex
    // wake-up), and sleep only when the PEs are busy for longer.
    const auto yield_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (std::chrono::steady_clock::now() < yield_until) {
        if (wire_.data_seq.load() != seen) return;
        sched_yield();
    }
    wire_.server_sleeping.store(1);
    if (wire_.data_seq.load() == seen && !stop.load() && !wire_.shutdown.load())
        futex_wait(wire_.data_seq, seen, std::chrono::milliseconds(100));
    wire_.server_sleeping.store(0);
}

void HubServer::run(const std::atomic<bool>& stop) {
    if (eval_ == EvalMode::direct) {
        // The PEs evaluate; stay up (the wire's owner) until asked to stop.
        wire_.ready.store(1);
        while (!stop.load() && !wire_.shutdown.load())
            futex_wait(wire_.data_seq, wire_.data_seq.load(), std::chrono::milliseconds(100));
        wire_.ready.store(0);
        return;
    }
    // Power-on state on every STATUS pin before anyone looks.
    if (model_)
        for (int k = 0; k < model_->settle_clocks(); ++k) model_->tick();
    for (int i = 0; i < nports_; ++i) last_pins_[i] = 0xFF;  // forces the first publish
    publish();
    wire_.ready.store(1);
    while (!stop.load() && !wire_.shutdown.load()) {
        const std::uint32_t seen = wire_.data_seq.load();
        apply_inputs_and_settle();
        wait_for_input(seen, stop);
    }
    wire_.ready.store(0);
    if (model_) model_->close_trace();
}

}  // namespace papers::sim
