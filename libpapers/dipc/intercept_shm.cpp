// intercept_shm.cpp — shmget, shmat, shmdt, shmctl, routed as the sem and
// msg calls (routing.hpp). With a daemon configured, shmget's octal 010000
// means IPC_DIPC (the layer's segments are memfds: there is no swap
// reservation to skip) and is stripped from the kernel's calls; without
// one every call reaches the kernel untouched and the bit is SHM_NORESERVE.
//
// shmat makes the kernel's checks that come before its lookup (Linux
// ipc/shm.c do_shmat: address alignment, SHM_RND, SHM_REMAP), asks the
// daemon, and maps the host copy's memfd that comes with the answer
// (MAP_SHARED, every unit not present: PROT_NONE). An address that overlaps
// an existing mapping without SHM_REMAP is EINVAL, as the kernel checks it
// (MAP_FIXED_NOREPLACE), after the owner's checks and before the owner
// counts the attachment (reserve_fixed).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon_call.hpp"
#include "ds_convert.hpp"
#include "dsm_attachments.hpp"
#include "dsm_runtime.hpp"
#include "proto/ids.hpp"
#include "real_calls.hpp"
#include "routing.hpp"
#include "unix_socket.hpp"
#include "user_memory.hpp"

namespace papers::dipc::client {

namespace {

using proto::Op;

constexpr std::uintptr_t kShmLba = dsm::kPageBytes;

int fail(int err) {
    errno = err;
    return -1;
}

void* fail_ptr(int err) {
    errno = err;
    return reinterpret_cast<void*>(-1);
}

int dipc_shmget(key_t key, size_t size, int flags) {
    DaemonCall call;
    if (!call.open()) return -1;
    proto::GetReq req;
    req.kind = proto::Kind::shm;
    req.key = key;
    req.flags = flags & ~proto::kIpcDipc;
    req.size = size;
    proto::Reply reply;
    if (!call.ask(Op::get, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

// ---- shmat --------------------------------------------------------------------

struct Placement {
    std::uintptr_t addr = 0;
    bool fixed = false;    // at addr (MAP_FIXED, or ...NOREPLACE)
    bool replace = false;  // SHM_REMAP: what is there goes
};

// do_shmat's checks before the lookup.
int place(const void* shmaddr, int flags, Placement& p) {
    p.addr = reinterpret_cast<std::uintptr_t>(shmaddr);
    if (p.addr) {
        if (p.addr & (kShmLba - 1)) {
            if (!(flags & SHM_RND)) return EINVAL;
            p.addr &= ~(kShmLba - 1);
            if (!p.addr && (flags & SHM_REMAP)) return EINVAL;
        }
        p.fixed = true;
        // The kernel checks for overlap only at a non-null address.
        p.replace = (flags & SHM_REMAP) || p.addr == 0;
    } else if (flags & SHM_REMAP) {
        return EINVAL;
    }
    return 0;
}

class FdCloser {
public:
    explicit FdCloser(int fd) : fd_(fd) {}
    ~FdCloser() {
        if (fd_ >= 0) ::close(fd_);
    }
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;

private:
    int fd_;
};

void tell_detached(DaemonCall& call, std::uint64_t handle) {
    proto::Reply reply;
    call.ask(Op::shmdt, proto::ShmdtReq{handle}, false, reply);
}

// An address range taken with mmap, unmapped unless kept.
class Reservation {
public:
    Reservation() = default;
    Reservation(void* p, std::size_t length) : p_(p), length_(length) {}
    ~Reservation() {
        if (p_) munmap(p_, length_);
    }
    Reservation& operator=(Reservation&& o) noexcept {
        std::swap(p_, o.p_);
        std::swap(length_, o.length_);
        return *this;
    }
    Reservation(const Reservation&) = delete;
    void keep() { p_ = nullptr; }

private:
    void* p_ = nullptr;
    std::size_t length_ = 0;
};

// SHM_REMAP over attachments of ours: the kernel would unmap what is there
// (the old attachment's count falls); ours go whole, so none is left half
// tracked. Their handles, for the daemon.
std::vector<std::uint64_t> drop_overlapped(std::uintptr_t addr, std::size_t length) {
    std::vector<std::uint64_t> handles;
    dsm::Lock lock;
    for (dsm::Attachment* a : dsm::all()) {
        if (a->end() <= addr || a->base >= addr + length) continue;
        handles.push_back(a->handle);
        munmap(reinterpret_cast<void*>(a->base), a->length);
        dsm::remove(a);
    }
    return handles;
}

// An SHM_RDONLY attachment maps a read-only descriptor of the memfd, so the
// kernel itself refuses to make it writable (mprotect: EACCES).
int read_only_copy(int fd) {
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    return ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
}

// Maps the segment; 0 and the address, or an errno.
int map_segment(const Placement& where, int flags, int fd, std::size_t length, void*& out) {
    if (where.fixed && where.addr + length < where.addr) return EINVAL;
    int ro = (flags & SHM_RDONLY) ? read_only_copy(fd) : -1;
    FdCloser close_ro(ro);
    int mflags = MAP_SHARED;
    if (where.fixed) mflags |= where.replace ? MAP_FIXED : MAP_FIXED_NOREPLACE;
    void* p = mmap(reinterpret_cast<void*>(where.addr), length, PROT_NONE, mflags, ro >= 0 ? ro : fd, 0);
    if (p == MAP_FAILED) return errno == EEXIST ? EINVAL : errno;
    if (where.fixed && reinterpret_cast<std::uintptr_t>(p) != where.addr) {
        munmap(p, length);  // a kernel without MAP_FIXED_NOREPLACE took the address as a hint
        return EINVAL;
    }
    out = p;
    return 0;
}

// do_shmat refuses a fixed address that overlaps a mapping after its
// lookup and permission check, before it counts the attachment: the owner
// checks without attaching (kShmatCheckOnly), and the range is taken here
// (PROT_NONE, anonymous) until the segment is mapped over it, so a refused
// address stamps nothing at the owner. 0, or an errno.
int reserve_fixed(DaemonCall& call, int shmid, int flags, Placement& where, Reservation& held) {
    proto::ShmatReq req;
    req.id = shmid;
    req.flags = flags | proto::kShmatCheckOnly;
    proto::Reply reply;
    if (!call.ask(Op::shmat, req, false, reply)) return errno;
    if (reply.err) return reply.err;
    proto::ShmAttach info;
    if (!call.payload(reply, info)) return errno;
    std::size_t length = (info.size + dsm::kPageBytes - 1) & ~(dsm::kPageBytes - 1);
    if (where.addr + length < where.addr) return EINVAL;
    void* p = mmap(reinterpret_cast<void*>(where.addr), length, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) return errno == EEXIST ? EINVAL : errno;
    held = Reservation(p, length);
    if (reinterpret_cast<std::uintptr_t>(p) != where.addr) return EINVAL;  // a kernel without ..._NOREPLACE
    where.replace = true;  // the segment goes over the reservation
    return 0;
}

void* dipc_shmat(int shmid, const void* shmaddr, int flags) {
    flags &= ~proto::kShmatCheckOnly;  // the kernel ignores unknown bits; so does the owner
    Placement where;
    if (int err = place(shmaddr, flags, where)) return fail_ptr(err);
    DaemonCall call;
    if (!call.open()) return fail_ptr(errno);
    std::string why;
    if (!dsm::ensure_runtime(why)) {
        report_unreachable(why);
        return fail_ptr(ENOLINK);
    }
    Reservation held;
    if (where.fixed && !where.replace)
        if (int err = reserve_fixed(call, shmid, flags, where, held)) return fail_ptr(err);
    proto::ShmatReq req;
    req.id = shmid;
    req.flags = flags;
    proto::Reply reply;
    int fd = -1;
    if (!call.ask(Op::shmat, req, false, reply, &fd)) return fail_ptr(errno);
    FdCloser close_fd(fd);  // the mapping keeps the memfd
    if (reply.err) {
        reply_result(reply);  // errno
        return reinterpret_cast<void*>(-1);
    }
    proto::ShmAttach info;
    if (!call.payload(reply, info)) return fail_ptr(errno);
    int err = 0;
    if (fd == sock::kDescriptorLost) {
        err = EMFILE;  // no room for the descriptor, as mmap of a new file would say
    } else if (fd < 0 || info.size == 0 || info.unit_bytes == 0 || info.unit_bytes % dsm::kPageBytes != 0) {
        report_unreachable("protocol error: a malformed answer to shmat");
        err = ENOLINK;
    }
    std::size_t length = (info.size + dsm::kPageBytes - 1) & ~(dsm::kPageBytes - 1);
    if (!err && where.fixed && where.replace)
        for (std::uint64_t h : drop_overlapped(where.addr, length)) tell_detached(call, h);
    void* addr = nullptr;
    if (!err) err = map_segment(where, flags, fd, length, addr);
    if (err) {
        tell_detached(call, info.attach);  // the daemon counted it
        return fail_ptr(err);
    }
    held.keep();  // the segment is mapped over it now
    int prot = PROT_READ | ((flags & SHM_RDONLY) ? 0 : PROT_WRITE) | ((flags & SHM_EXEC) ? PROT_EXEC : 0);
    auto a = std::make_unique<dsm::Attachment>(reinterpret_cast<std::uintptr_t>(addr), length, shmid, info.attach,
                                               info.unit_bytes, (flags & SHM_RDONLY) != 0, prot);
    // The direct read fetch's way in (dsm_faults.cpp); without it (a
    // read-only attachment, the fetch off, or no room) misses go through the daemon.
    if (!(flags & SHM_RDONLY) && config().dsm_direct) {
        void* w = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (w != MAP_FAILED) a->window = reinterpret_cast<std::uintptr_t>(w);
    }
    dsm::Lock lock;
    dsm::add(std::move(a));
    return addr;
}

// ---- shmdt --------------------------------------------------------------------

// The attachment that starts at addr, unmapped and forgotten: its handle.
std::optional<std::uint64_t> detach_local(const void* addr) {
    dsm::Lock lock;
    dsm::Attachment* a = dsm::find_starting_at(reinterpret_cast<std::uintptr_t>(addr));
    if (!a) return std::nullopt;
    std::uint64_t handle = a->handle;
    munmap(reinterpret_cast<void*>(a->base), a->length);
    dsm::remove(a);
    return handle;
}

// The detach is done here; the daemon only counts it (a daemon that cannot
// be reached learns it when the process ends).
int dipc_shmdt(std::uint64_t handle) {
    DaemonCall call;
    if (call.open()) tell_detached(call, handle);
    return 0;
}

// ---- shmctl -------------------------------------------------------------------

proto::ShmctlReq ctl(int id, int cmd) {
    proto::ShmctlReq req;
    req.id = id;
    req.cmd = cmd;
    return req;
}

// IPC_INFO, SHM_INFO: as sem_info in intercept_sem.cpp.
int shm_info(int shmid, int cmd, void* user_buf) {
    union {
        struct shminfo info;
        struct shm_info usage;
        struct shmid_ds ds;
    } kernel_buf;
    int kernel_max = real_calls().shmctl
                         ? real_calls().shmctl(shmid, cmd, reinterpret_cast<struct shmid_ds*>(&kernel_buf))
                         : 0;
    DaemonCall call;
    if (!call.open()) return -1;
    proto::Reply reply;
    if (!call.ask(Op::shmctl, ctl(shmid, cmd), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    bool ok;
    if (cmd == IPC_INFO) {
        proto::ShmInfoRec rec;
        if (!call.payload(reply, rec)) return -1;
        struct shminfo out;
        to_shminfo(rec, out);
        ok = write_user(user_buf, &out, sizeof out);
    } else {
        proto::ShmUsageRec rec;
        if (!call.payload(reply, rec)) return -1;
        struct shm_info out;
        to_shm_info(rec, out);
        ok = write_user(user_buf, &out, sizeof out);
    }
    if (!ok) return fail(EFAULT);
    return std::max<int>(std::max(kernel_max, 0), static_cast<int>(reply.ret));
}

// IPC_STAT by id; SHM_STAT, SHM_STAT_ANY by index.
int shm_stat(int shmid, int cmd, struct shmid_ds* user_buf) {
    DaemonCall call;
    if (!call.open()) return -1;
    proto::Reply reply;
    int target = cmd == IPC_STAT ? shmid : proto::index_of(shmid);
    if (!call.ask(Op::shmctl, ctl(target, cmd), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    proto::ShmDsRec rec;
    if (!call.payload(reply, rec)) return -1;
    struct shmid_ds out;
    to_shmid_ds(rec, out);
    if (!write_user(user_buf, &out, sizeof out)) return fail(EFAULT);
    return static_cast<int>(reply.ret);
}

int shm_set(int shmid, const struct shmid_ds* user_buf) {
    struct shmid_ds in;
    if (!read_user(&in, user_buf, sizeof in)) return fail(EFAULT);  // copy_shmid_from_user
    DaemonCall call;
    if (!call.open()) return -1;
    proto::ShmctlReq req = ctl(shmid, IPC_SET);
    req.set = from_shmid_ds(in);
    proto::Reply reply;
    if (!call.ask(Op::shmctl, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

// IPC_RMID, SHM_LOCK, SHM_UNLOCK: no buffer; the owner decides.
int shm_plain(int shmid, int cmd) {
    DaemonCall call;
    if (!call.open()) return -1;
    proto::Reply reply;
    if (!call.ask(Op::shmctl, ctl(shmid, cmd), false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int dipc_shmctl(int shmid, int cmd, struct shmid_ds* buf) {
    switch (cmd) {
        case IPC_INFO: case SHM_INFO: return shm_info(shmid, cmd, buf);
        case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY: return shm_stat(shmid, cmd, buf);
        case IPC_SET: return shm_set(shmid, buf);
        case IPC_RMID: case SHM_LOCK: case SHM_UNLOCK: return shm_plain(shmid, cmd);
        default: return fail(EINVAL);  // ksys_shmctl's default (and cmd < 0)
    }
}

}  // namespace

}  // namespace papers::dipc::client

using namespace papers::dipc::client;

extern "C" {

__attribute__((visibility("default"))) int shmget(key_t key, size_t size, int shmflg) noexcept {
    switch (route_get(key, shmflg)) {
        case Route::kernel:
            if (!real_calls().shmget) return fail(ENOSYS);
            return real_calls().shmget(key, size, kernel_flags(shmflg));
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_shmget(key, size, shmflg); });
}

__attribute__((visibility("default"))) void* shmat(int shmid, const void* shmaddr, int shmflg) noexcept {
    switch (route_id(shmid)) {
        case Route::kernel:
            if (!real_calls().shmat) return fail_ptr(ENOSYS);
            return real_calls().shmat(shmid, shmaddr, shmflg);
        case Route::refused: return fail_ptr(EINVAL);
        case Route::daemon: break;
    }
    void* attached = nullptr;
    int r = guarded([&] {
        attached = dipc_shmat(shmid, shmaddr, shmflg);
        return attached == reinterpret_cast<void*>(-1) ? -1 : 0;
    });
    return r < 0 ? reinterpret_cast<void*>(-1) : attached;
}

__attribute__((visibility("default"))) int shmdt(const void* shmaddr) noexcept {
    if (dsm::may_touch(shmaddr, 1)) {
        if (auto handle = detach_local(shmaddr)) return guarded([&] { return dipc_shmdt(*handle); });
    }
    if (!real_calls().shmdt) return fail(ENOSYS);
    return real_calls().shmdt(shmaddr);
}

__attribute__((visibility("default"))) int shmctl(int shmid, int cmd, struct shmid_ds* buf) noexcept {
    bool info = cmd == IPC_INFO || cmd == SHM_INFO;
    switch (info ? route_info(shmid) : route_id(shmid)) {
        case Route::kernel:
            if (!real_calls().shmctl) return fail(ENOSYS);
            return real_calls().shmctl(shmid, cmd, buf);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_shmctl(shmid, cmd, buf); });
}

}  // extern "C"
