// port_grant.cpp — real and fake port-permission grants (see header).
#include "port_grant.hpp"

#include <cerrno>
#include <cstring>

#include "config_parse.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#define PAPERS_IOPERM_HAVE_IOPERM 1
#else
#define PAPERS_IOPERM_HAVE_IOPERM 0
#endif

namespace papers::ioperm {

namespace {

int real_grant(unsigned long base, unsigned long num, int turn_on) {
#if PAPERS_IOPERM_HAVE_IOPERM
    return ::ioperm(base, num, turn_on);
#else
    (void)base, (void)num, (void)turn_on;
    errno = ENOSYS;
    return -1;
#endif
}

int fake_grant(unsigned long, unsigned long, int) { return 0; }

}  // namespace

const PortGrantOps& real_port_grant() {
    static const PortGrantOps ops{"ioperm(2)", PAPERS_IOPERM_HAVE_IOPERM != 0, &real_grant};
    return ops;
}

const PortGrantOps& fake_port_grant() {
    static const PortGrantOps ops{"fake ioperm (test build)", true, &fake_grant};
    return ops;
}

std::string explain_grant_failure(const PortGrantOps& ops, unsigned base, int err, bool no_new_privs) {
    const std::string call = std::string(ops.name) + " for ports " + port_string(base) + ".." +
                             port_string(base + kPortSpan - 1) + " failed: ";
    const std::string ppdev_hint =
        "Use the ppdev path instead: run the program without papers-ioperm and with "
        "PAPERS_PORT_ACCESS=ieee1284 (needs /dev/parportN, usually group lp)";
    if (!ops.available)
        return call + "this machine's architecture has no I/O ports (papers-ioperm was built without "
                      "ioperm: it exists only on x86). " + ppdev_hint + ".";
    switch (err) {
    case ENOSYS:
        return call + "ENOSYS: this kernel was built without CONFIG_X86_IOPL_IOPERM, so no process "
                      "can get I/O-port permission. " + ppdev_hint +
               ", or boot a kernel with CONFIG_X86_IOPL_IOPERM=y.";
    case EPERM:
        return call + "EPERM: papers-ioperm lacks CAP_SYS_RAWIO. Install it setuid root "
                      "(chown root:root; chmod 4755) or give it the file capability "
                      "(setcap cap_sys_rawio+ep)" +
               std::string(no_new_privs ? "; also, this process has no_new_privs set, which makes the "
                                          "kernel ignore setuid bits and file capabilities"
                                        : "") +
               ". Kernel lockdown (Secure Boot) also forbids ioperm.";
    case EINVAL:
        return call + "EINVAL: the kernel rejected the port range.";
    default:
        return call + std::strerror(err) + ".";
    }
}

}  // namespace papers::ioperm
