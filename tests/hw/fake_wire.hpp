// fake_wire.hpp — a papers-hubsim wire with no simulator behind it: the
// test itself sets the STATUS pins and reads the DATA registers, and the
// substitute libieee1284 (PAPERS_FAKE1284_SIM) serves its ports.
#pragma once
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "papers/driver/sim_wire.hpp"

namespace papers::test {

class FakeWire {
public:
    explicit FakeWire(int nports, sim::WireMode mode = sim::WireMode::hub) {
        static std::atomic<int> n{0};
        name_ = "/papers-hwtest-" + std::to_string(getpid()) + "-w" + std::to_string(n++);
        std::string err;
        mapping_ = sim::WireMapping::create_shared(name_, err);
        if (!mapping_) throw std::runtime_error(err);
        sim::wire_init(wire(), static_cast<std::uint32_t>(nports), sim::kProtocolVersion, mode);
        wire().ready.store(1);
        setenv("PAPERS_FAKE1284_SIM", name_.c_str(), 1);
    }
    ~FakeWire() {
        mapping_.unlink();
        unsetenv("PAPERS_FAKE1284_SIM");
    }
    sim::Wire& wire() { return *mapping_.get(); }
    const std::string& name() const { return name_; }
    // Drive port i's STATUS pins (levels) and wake anyone blocked on them.
    void set_pins(int i, std::uint8_t levels) {
        wire().status_pins[i].store(levels);
        wire().status_seq.fetch_add(1);
        sim::futex_wake_all(wire().status_seq);
    }

private:
    std::string name_;
    sim::WireMapping mapping_;
};

}  // namespace papers::test
