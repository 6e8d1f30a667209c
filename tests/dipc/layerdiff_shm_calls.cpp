#include "layerdiff_shm_calls.hpp"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace papers::dipc::layerdiff {

using enginetest::Fault;
using enginetest::KCall;
using enginetest::KRequest;
using enginetest::KResult;

namespace {

std::vector<void*> attached;  // by slot; nullptr once detached

sigjmp_buf fault_jump;
volatile sig_atomic_t catching = 0;

void on_segv(int) {
    if (catching) siglongjmp(fault_jump, 1);
    signal(SIGSEGV, SIG_DFL);  // not ours to catch: die of it
    raise(SIGSEGV);
}

[[noreturn]] void child_main(pid_t parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    for (;;) pause();
}

void* address_of(const KRequest& q) {
    return q.shm_addr < 0 ? nullptr : reinterpret_cast<void*>(kRegionBase + static_cast<std::uintptr_t>(q.shm_addr));
}

long where_in_region(const void* a) {
    auto x = reinterpret_cast<std::uintptr_t>(a);
    return x >= kRegionBase && x < kRegionBase + kRegionBytes ? static_cast<long>(x - kRegionBase) : -1;
}

void do_shmat(bool raw, const KRequest& q, KResult& r) {
    void* a = raw ? reinterpret_cast<void*>(syscall(SYS_shmat, q.id, address_of(q), q.flags))
                  : ::shmat(q.id, address_of(q), q.flags);
    if (a == reinterpret_cast<void*>(-1)) {
        r.ret = -1;
        return;
    }
    attached.push_back(a);
    r.ret = static_cast<long>(attached.size() - 1);
    r.shm_where = where_in_region(a);
}

void* slot_address(const KRequest& q) {
    return q.slot >= 0 && q.slot < static_cast<int>(attached.size()) ? attached[q.slot] : nullptr;
}

// shmdt of a slot's address, or of an address that starts no attachment:
// q.shm_addr >= 0 is one in the region (a page into an attachment,
// unaligned, ...), -2 NULL.
void do_shmdt(bool raw, const KRequest& q, KResult& r) {
    void* a = q.shm_addr == -2 ? nullptr : q.shm_addr >= 0 ? address_of(q) : slot_address(q);
    r.ret = raw ? syscall(SYS_shmdt, a) : ::shmdt(a);
    if (r.ret == 0)
        for (void*& s : attached)
            if (s == a) s = nullptr;
}

void do_shmctl(bool raw, const KRequest& q, KResult& r) {
    void* buf = &r.shm_ds;
    if (q.cmd == IPC_INFO) buf = &r.shm_limits;
    if (q.cmd == SHM_INFO) buf = &r.shm_usage;
    if (q.cmd == IPC_SET) {
        r.shm_ds.shm_perm.uid = q.uid;
        r.shm_ds.shm_perm.gid = q.gid;
        r.shm_ds.shm_perm.mode = static_cast<unsigned short>(q.mode);
    }
    if (q.fault == Fault::null) buf = nullptr;
    r.ret = raw ? syscall(SYS_shmctl, q.id, q.cmd, buf) : ::shmctl(q.id, q.cmd, static_cast<struct shmid_ds*>(buf));
    if (q.cmd == IPC_SET) r.shm_ds = {};
}

// Stores or loads; a fault the attachment's protection causes is EFAULT.
void do_access(const KRequest& q, KResult& r) {
    auto* base = static_cast<unsigned char*>(slot_address(q));
    if (!base) {
        r.ret = -1;
        errno = EBADF;  // a test bug: the driver names live slots only
        return;
    }
    volatile unsigned char* p = base + q.offset;
    if (sigsetjmp(fault_jump, 1)) {
        catching = 0;
        r.ret = -1;
        errno = EFAULT;
        return;
    }
    catching = 1;
    if (q.call == KCall::shmwrite) {
        for (int i = 0; i < q.ntext; ++i) p[i] = q.text[i];
        r.ret = q.ntext;
    } else {
        std::size_t n = std::min<std::size_t>(q.bufsz, enginetest::kMaxTextT);
        for (std::size_t i = 0; i < n; ++i) r.text[i] = p[i];
        r.ret = static_cast<long>(n);
    }
    catching = 0;
}

}  // namespace

std::string check_address_region() {
    void* p = mmap(reinterpret_cast<void*>(kRegionBase), kRegionBytes, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) return std::string("the address region is not free: ") + std::strerror(errno);
    munmap(p, kRegionBytes);
    if (p != reinterpret_cast<void*>(kRegionBase)) return "the address region is not free";
    return "";
}

void install_fault_catcher() {
    struct sigaction sa = {};
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, nullptr);
}

void run_shm_call(bool raw, const KRequest& q, KResult& r, int driver_fd) {
    errno = 0;
    switch (q.call) {
        case KCall::shmget:
            r.ret = raw ? syscall(SYS_shmget, q.key, q.size, q.flags) : ::shmget(q.key, q.size, q.flags);
            break;
        case KCall::shmat: do_shmat(raw, q, r); break;
        case KCall::shmdt: do_shmdt(raw, q, r); break;
        case KCall::shmctl: do_shmctl(raw, q, r); break;
        case KCall::fork: {
            pid_t self = getpid();
            pid_t c = ::fork();
            if (c == 0) {
                close(driver_fd);  // the agent's death must stay visible to the driver
                child_main(self);
            }
            r.ret = c;
            break;
        }
        case KCall::shmwrite:
        case KCall::shmread: do_access(q, r); break;
        default:
            r.ret = -1;
            errno = ENOSYS;
            break;
    }
    r.err = r.ret < 0 ? errno : 0;
}

}  // namespace papers::dipc::layerdiff
