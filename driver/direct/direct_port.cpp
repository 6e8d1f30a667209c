// direct_port.cpp — ioperm + inb/outb. Compiled everywhere; the real I/O
// functions exist only on x86, elsewhere default_io_fns() is empty and the
// port refuses to open with a message that names the alternative.
#include "papers/driver/direct_port.hpp"

#include <csetjmp>
#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#define PAPERS_DIRECT_IO 1
#else
#define PAPERS_DIRECT_IO 0
#endif

namespace papers::driver {

namespace {

#if PAPERS_DIRECT_IO
int real_ioperm(unsigned long from, unsigned long num, int on) { return ::ioperm(from, num, on); }
std::uint8_t real_inb(std::uint16_t port) { return ::inb(port); }
void real_outb(std::uint8_t v, std::uint16_t port) { ::outb(v, port); }
#endif

sigjmp_buf g_fault_jump;
volatile std::sig_atomic_t g_fault_armed = 0;

void on_fault(int) {
    if (g_fault_armed) siglongjmp(g_fault_jump, 1);
}

std::string range(std::uint16_t base) {
    char b[48];
    std::snprintf(b, sizeof b, "0x%x..0x%x", base, base + 2);
    return b;
}

}  // namespace

IoFns default_io_fns() {
#if PAPERS_DIRECT_IO
    return {real_ioperm, real_inb, real_outb};
#else
    return {nullptr, nullptr, nullptr};
#endif
}

bool direct_io_compiled_in() { return PAPERS_DIRECT_IO != 0; }

bool guarded_inb(const IoFns& io, std::uint16_t port, std::uint8_t* value) {
    // An in/out instruction without I/O permission raises #GP, which the
    // kernel delivers as SIGSEGV; catch it instead of crashing.
    struct sigaction sa{}, old_segv{}, old_bus{};
    sa.sa_handler = on_fault;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    volatile bool ok = false;
    if (sigsetjmp(g_fault_jump, 1) == 0) {
        g_fault_armed = 1;
        *value = io.inb(port);
        ok = true;
    }
    g_fault_armed = 0;
    sigaction(SIGSEGV, &old_segv, nullptr);
    sigaction(SIGBUS, &old_bus, nullptr);
    return ok;
}

PortResult DirectPort::open(std::uint16_t base, const IoFns& io) {
    if (!io.ioperm || !io.inb || !io.outb)
        return port_failure(PortErr::unsupported,
                            "direct port access (inb/outb) exists only on x86 PCs and is not "
                            "built into this library; use PAPERS_PORT_ACCESS=ieee1284 (ppdev)");
    if (base == 0 || base > 0xFFFD)
        return port_failure(PortErr::bad_spec, "I/O base " + std::to_string(base) +
                                                   " is out of range (0x1..0xfffd)");
    errno = 0;
    if (io.ioperm(base, 3, 1) == 0) {
        PortResult r;
        r.port.reset(new DirectPort(base, io, "ioperm"));
        return r;
    }
    const int e = errno;
    const std::string what = "ioperm(2) for ports " + range(base) + " failed: ";
    if (e == EPERM) {
        // Without CAP_SYS_RAWIO ioperm always says EPERM, even when the
        // ports were granted before exec (papers-ioperm): ask the ports.
        std::uint8_t v = 0;
        if (guarded_inb(io, static_cast<std::uint16_t>(base + 1), &v)) {
            PortResult r;
            r.port.reset(new DirectPort(base, io, "inherited"));
            return r;
        }
        return port_failure(
            PortErr::no_permission,
            what + "EPERM: this process may not use I/O ports. Run the program through "
                   "papers-ioperm (docs/papers-ioperm.md), or as root or with the capability "
                   "(setcap cap_sys_rawio+ep PROGRAM), or use PAPERS_PORT_ACCESS=ieee1284 "
                   "(ppdev, needs only group lp). A locked-down kernel (Secure Boot) refuses "
                   "ioperm even to root.");
    }
    if (e == ENOSYS)
        return port_failure(
            PortErr::unsupported,
            what + "ENOSYS: this kernel was built without CONFIG_X86_IOPL_IOPERM, so no "
                   "program can use inb/outb here. Use PAPERS_PORT_ACCESS=ieee1284 (ppdev, "
                   "/dev/parportN) or boot a kernel with CONFIG_X86_IOPL_IOPERM=y.");
    if (e == EINVAL)
        return port_failure(PortErr::bad_spec, what + "EINVAL: not a valid I/O port range");
    return port_failure(PortErr::system, what + std::strerror(e));
}

std::string DirectPort::name() const {
    char b[32];
    std::snprintf(b, sizeof b, "direct:0x%x", base_);
    return b;
}

}  // namespace papers::driver
