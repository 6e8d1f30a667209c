// direct_evaluator.hpp — the direct mode (docs/sim-eval.md): the process that writes a DATA
// register evaluates the Verilated hub itself, under the wire's lock, on its own instance of
// the model whose state it restores from the wire and saves back. The RTL computes every G
// and R exactly as in papers-hubsim's served mode (hub_server.cpp); only the process differs.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "papers/driver/sim_evaluator.hpp"

namespace papers::sim {

class HubRtl;

class DirectEvaluator final : public WireEvaluator {
public:
    // `rtl` is this process's instance of the wire's hub (flat or tree, wire.nports PEs).
    DirectEvaluator(Wire& wire, std::unique_ptr<HubRtl> rtl);
    ~DirectEvaluator() override;

    // The simulator, once, on a fresh wire: settles the reset RTL, publishes every port's
    // STATUS pins and commits the first state. False with err if the state does not fit.
    bool power_on(std::string& err);
    void evaluate() override;
    // Forget that this instance holds the committed state, so the next evaluation restores
    // it from the wire (tests use it to run the restore path on every step).
    void forget_local_state() { local_gen_ = kNoGen; }
    HubRtl& rtl() { return *rtl_; }

private:
    static constexpr std::uint32_t kNoGen = ~std::uint32_t(0);
    bool lock();
    void unlock();
    bool publish(bool force);
    bool apply_moved_inputs();
    bool commit(const HubState& from, std::uint64_t batches, std::string* err = nullptr);

    Wire& wire_;
    std::unique_ptr<HubRtl> rtl_;
    int nports_;
    std::uint32_t local_gen_ = kNoGen;  // the committed generation rtl_ holds, if any
    std::uint8_t applied_[kMaxPorts] = {};
};

// The evaluator for `wire` as papers-hubsim described it (flat hub or tree shape, nports).
// nullptr with err.
std::unique_ptr<DirectEvaluator> make_direct_evaluator(Wire& wire, std::string& err);

}  // namespace papers::sim
