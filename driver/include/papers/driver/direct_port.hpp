// direct_port.hpp — the lowest-latency port: ioperm(base, 3) once, then one
// inb/outb instruction per access (x86 only). STATUS comes back exactly as
// inb returns it (BUSY inverted), which is the meaning Port::read_status has.
// The I/O functions are injectable so the driver is unit-tested anywhere.
#pragma once
#include <cstdint>

#include "papers/driver/hw_port.hpp"
#include "papers/driver/port.hpp"

namespace papers::driver {

struct IoFns {
    int (*ioperm)(unsigned long from, unsigned long num, int turn_on);
    std::uint8_t (*inb)(std::uint16_t port);
    void (*outb)(std::uint8_t value, std::uint16_t port);
};

// The real functions on x86 (<sys/io.h>); all null where there are no I/O
// ports (the direct port then fails to open with PortErr::unsupported).
IoFns default_io_fns();
bool direct_io_compiled_in();

class DirectPort final : public Port {
public:
    // ioperm(base, 3, 1). If that fails with EPERM but the process already
    // holds the ports (papers-ioperm granted them before exec), a guarded
    // inb proves it and the open succeeds.
    static PortResult open(std::uint16_t base, const IoFns& io = default_io_fns());

    std::string name() const override;
    std::uint16_t base() const { return base_; }
    // How access was obtained: "ioperm" or "inherited" (granted before exec).
    const char* how() const { return how_; }

protected:
    void do_write_data(std::uint8_t v) override { io_.outb(v, base_); }
    std::uint8_t do_read_status() override { return io_.inb(static_cast<std::uint16_t>(base_ + 1)); }
    void do_write_control(std::uint8_t v) override {
        io_.outb(v, static_cast<std::uint16_t>(base_ + 2));
    }

private:
    DirectPort(std::uint16_t base, const IoFns& io, const char* how)
        : io_(io), base_(base), how_(how) {}

    IoFns io_;
    std::uint16_t base_;
    const char* how_;
};

// Reads a port under a SIGSEGV/SIGBUS guard: false if the access faults
// (the process holds no I/O permission for it). Not thread-safe (signal
// handlers are process-wide); used once at open.
bool guarded_inb(const IoFns& io, std::uint16_t port, std::uint8_t* value);

}  // namespace papers::driver
