// sim_port.hpp — a PE's simulated parallel port: DATA and STATUS registers
// that reach the hub simulator through a shared-memory wire (sim_wire.hpp).
// It behaves like a real SPP: STATUS comes back raw, BUSY inverted.
// On a direct-mode wire (sim_wire.hpp) a DATA write also evaluates the hub's RTL in this
// process (sim_evaluator.hpp) before it returns; reads and waits are the same in both modes.
#pragma once
#include <memory>
#include <string>

#include "papers/driver/port.hpp"
#include "papers/driver/sim_evaluator.hpp"
#include "papers/driver/sim_wire.hpp"

namespace papers::driver {

class SimPort final : public Port {
public:
    // Attach to port `index` of an existing wire. The wire must outlive the
    // port (the in-process form), or be owned through `mapping`. On a
    // direct-mode wire it loads the RTL plugin; throws std::runtime_error if
    // that fails.
    SimPort(sim::Wire& wire, int index);
    SimPort(std::shared_ptr<sim::WireMapping> mapping, int index);
    ~SimPort() override;

    void idle(std::uint8_t last_status, Clock::time_point deadline) override;
    unsigned spin_polls() const override { return spin_polls_; }
    void set_spin_polls(unsigned n) { spin_polls_ = n; }
    std::string name() const override;
    // The wire's header changed since this port attached (sim_wire.hpp, wire_header_seal).
    std::string damage() const override;

    sim::Wire& wire() { return wire_; }
    int index() const { return index_; }

protected:
    void do_write_data(std::uint8_t v) override;
    std::uint8_t do_read_status() override;
    void do_write_control(std::uint8_t v) override;

private:
    void attach();

    std::shared_ptr<sim::WireMapping> mapping_;
    sim::Wire& wire_;
    int index_;
    std::unique_ptr<sim::WireEvaluator> evaluator_;  // direct mode only
    SealedWords<sim::Wire> header_ = sim::wire_header_seal();  // as it was when this port attached
    unsigned spin_polls_ = 64;
    static constexpr std::chrono::microseconds kYieldBeforeSleep{200};
};

}  // namespace papers::driver
