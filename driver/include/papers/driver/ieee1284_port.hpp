// ieee1284_port.hpp — a parallel port through libieee1284 (normally the
// kernel's ppdev driver, /dev/parportN: no root needed, group lp). The
// library returns pin LEVELS (BUSY not inverted); this port converts them
// to the register meaning Port::read_status promises (pins.hpp).
// Built only when libieee1284 is found (PAPERS_HAVE_IEEE1284).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "papers/driver/hw_port.hpp"
#include "papers/driver/port.hpp"
#include "papers/driver/port_spec.hpp"

struct parport;

namespace papers::driver {

struct Ieee1284PortInfo {
    std::string name;      // e.g. "parport0" (or a guessed "0x378")
    std::string filename;  // e.g. "/dev/parport0", "/dev/port", may be empty
    unsigned long base = 0;
};

// The ports libieee1284 lists. A listed port need not exist: without
// /proc/sys/dev/parport the library guesses 0x278, 0x378 and 0x3bc, and only
// an open plus a claim proves a port. On failure returns false with `err`.
bool ieee1284_list(std::vector<Ieee1284PortInfo>& out, std::string& err);

// Name of an E1284_* code, e.g. "E1284_INIT".
const char* e1284_name(int rc);

class Ieee1284Port final : public Port {
public:
    // Finds the port matching `spec` (by name, device file or base address),
    // opens it (F1284_EXCL first, then shared), checks pin-level access
    // (CAP1284_RAW), claims it and sets the data lines to output.
    static PortResult open(const PortSpec& spec);
    ~Ieee1284Port() override;  // release + close

    std::string name() const override;
    // After a fruitless spin: let the library wait (ieee1284_wait_status) for
    // the BUSY pin to move, at most 1 ms, then return.
    void idle(std::uint8_t last_status, Clock::time_point deadline) override;

    bool exclusive() const { return exclusive_; }
    parport* handle() const { return port_; }  // for tests and diagnostics
    int caps() const { return caps_; }
    // libieee1284 errors seen by read_status (a vanished port); 0 normally.
    unsigned long read_errors() const { return read_errors_; }

protected:
    void do_write_data(std::uint8_t v) override;
    std::uint8_t do_read_status() override;
    void do_write_control(std::uint8_t v) override;

private:
    Ieee1284Port(parport* p, std::string label, bool exclusive, int caps)
        : port_(p), label_(std::move(label)), exclusive_(exclusive), caps_(caps) {}

    parport* port_;
    std::string label_;
    bool exclusive_;
    int caps_;
    unsigned long read_errors_ = 0;
    std::uint8_t last_good_ = 0x80;  // register value of all-low pins
};

}  // namespace papers::driver
