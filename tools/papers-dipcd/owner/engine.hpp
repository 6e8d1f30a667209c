// engine.hpp — the owner engine: System V semaphore sets, message queues
// and shared memory segments' metadata executed in memory at their owner,
// with Linux 6.x semantics (same checks in the same order, same errno, same
// queue discipline; ipc/sem.c, msg.c, shm.c, util.c). No I/O, no threads,
// no clock of its own: the daemon's event loop drives it and it is
// unit-testable (tests/dipc/engine_*).
//
// Calls that block return nullopt and complete later through their Done,
// which runs exactly once, from inside whichever engine call completes it
// (another process's operation, cancel, expire, process_gone, removal).
// Done callbacks run after the engine's state is consistent, so they may
// call the engine again. Contract violations by the daemon (a CallId that is
// already pending) throw std::logic_error before anything changes.
//
// Not handled here: key lookup, id allocation, SEMMNI/SEMMNS/MSGMNI/SHMMNI/
// SHMALL accounting (the referee's), *_INFO (the daemon answers them with
// seminfo()/msginfo()/shminfo()/shm_usage() below; the engine refuses them
// with EINVAL), user memory (the interposer copies; EFAULT is its business,
// except SETALL with fewer than nsems values, which the engine answers
// EFAULT as the kernel would when reading past the caller's array), shared
// memory pages and addresses (the daemon's dsm/ and the interposer).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "calls.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::owner {

struct Clock {
    virtual ~Clock() = default;
    virtual std::int64_t realtime_s() = 0;    // for otime, ctime, stime, rtime
    virtual std::int64_t monotonic_ns() = 0;  // for semtimedop deadlines
};

class SemSet;
class MsgQueue;
class ShmSegment;

class Engine {
public:
    Engine(const proto::Limits& limits, Clock& clock);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // The checks semget/msgget/shmget make before the key lookup (semget:
    // nsems < 0 or > SEMMSL -> EINVAL; shmget: none): 0 or errno.
    static int validate_get(const proto::GetReq& req, const proto::Limits& limits);
    // The checks the kernel makes when it creates, before allocating an id
    // (newary: nsems == 0 -> EINVAL; newseg: size outside SHMMIN..SHMMAX
    // -> EINVAL, a size whose page count overflows -> ENOSPC): 0 or errno.
    // The referee should make them before it allocates an id and before its
    // SHMALL check (newseg's order); create() makes them too.
    static int validate_create(const proto::GetReq& req, const proto::Limits& limits);

    // newary/newque/newseg for req.id (allocated by the referee): ret = id.
    // EEXIST if that index is already in use here (a referee/daemon bug).
    proto::Reply create(const proto::GetReq& req, const proto::Caller& caller);
    // ipcget_public on an existing structure: IPC_CREAT|IPC_EXCL -> EEXIST,
    // more_checks (nsems; shm: a segment smaller than req.size -> EINVAL),
    // permissions; ret = id. EIDRM if req.id is not (or no longer) here, or
    // no longer has req.key (a segment marked for destruction): resolve the
    // key again.
    proto::Reply get_existing(const proto::GetReq& req, const proto::Caller& caller);

    // semop/semtimedop: nullopt = blocked, Done later. timeout_ns >= 0 is
    // relative to this call (monotonic clock); -1 = none; < -1 = the
    // caller's timespec was invalid (EINVAL in the kernel's order).
    std::optional<proto::Reply> semop(CallId call, const proto::Caller& caller,
                                      const proto::SemopReq& req, Done done);
    // Every command but IPC_INFO/SEM_INFO. For SEM_STAT/SEM_STAT_ANY req.id
    // is the full id (the daemon mapped the index); only its index is used.
    proto::Reply semctl(const proto::Caller& caller, const proto::SemctlReq& req);

    std::optional<proto::Reply> msgsnd(CallId call, const proto::Caller& caller,
                                       const proto::MsgsndReq& req, Done done);
    // ret = bytes received, payload MsgText.
    std::optional<proto::Reply> msgrcv(CallId call, const proto::Caller& caller,
                                       const proto::MsgrcvReq& req, Done done);
    // Every command but IPC_INFO/MSG_INFO; MSG_STAT(_ANY) as SEM_STAT.
    proto::Reply msgctl(const proto::Caller& caller, const proto::MsgctlReq& req);

    // Still pending: removed, Done(EINTR). Otherwise nothing.
    void cancel(CallId call);
    // exit_sem for that process: its pending calls leave (Done EINTR), then
    // its SEM_UNDO adjustments apply (clamped to 0..SEMVMX, sempid = pid).
    void process_gone(std::uint32_t host, std::int32_t pid, std::uint64_t start_time);
    // Every process of that host the engine knows is gone: all their pending
    // calls leave (Done EINTR), then their undo lists apply, in pid order;
    // the host's shm attachments end (dtime; lpid unchanged), and a segment
    // marked for destruction that has none left goes (on_removed).
    void host_lost(std::uint32_t host);
    // Every structure gone (owner fenced): pending calls Done(err). No
    // on_removed: the referee removes a fenced owner's structures itself.
    void remove_all(int err);

    // semtimedop deadlines (monotonic ns): the earliest pending one, and
    // expiry of all up to now (Done(EAGAIN)).
    std::optional<std::int64_t> next_deadline_ns();
    void expire(std::int64_t now_ns);

    // sem: sets, semaphores; msg: queues, messages, bytes; shm: segments
    // (those marked for destruction too, as the kernel counts them), pages
    // (each segment's size rounded up to 4 KiB pages: shm_tot), bytes.
    proto::Usage usage(proto::Kind kind) const;
    // Is `id` (index and sequence) a live structure here?
    bool exists(proto::Kind kind, std::int32_t id) const;

    // ---- shared memory (issue 12): the segment's metadata at its home;
    // the pages themselves are the daemon's (dsm/). engine_shm.cpp.
    // do_shmat's checks and accounting: EINVAL (id < 0, no such segment),
    // EACCES (read; read+write unless SHM_RDONLY; exec with SHM_EXEC). A
    // segment marked for destruction can still be attached by id, by anyone
    // the permissions allow (as in Linux). ret 0, payload ShmAttach{attach
    // 0, size, unit_bytes 0}; nattch +1 on caller.host, atime, lpid =
    // caller.pid. The client checks the address and SHM_RND/SHM_REMAP first.
    proto::Reply shm_attach(const proto::Caller& caller, const proto::ShmatReq& req);
    // An attachment on caller.host ended (delta -1: shmdt, exit, exec;
    // dtime, lpid = note.pid) or was copied by fork (+1: atime, lpid =
    // note.pid, which the kernel sets to the forking parent's pid). A
    // segment marked for destruction goes when no attachment is left
    // anywhere (on_removed). EINVAL: no such segment, a delta other than
    // +-1, or -1 for a host with no attachment (nothing changes).
    proto::Reply shm_note(const proto::Caller& caller, const proto::ShmAttachNote& note);
    // Every shmctl command but IPC_INFO/SHM_INFO (the daemon answers those):
    // IPC_STAT, SHM_STAT(_ANY) (req.id the full id; ret = id), IPC_SET,
    // IPC_RMID, SHM_LOCK/SHM_UNLOCK (the mode bit and its permission check
    // only: owner, creator or euid 0; no memory is locked, no RLIMIT_MEMLOCK).
    proto::Reply shmctl(const proto::Caller& caller, const proto::ShmctlReq& req);
    // IPC_RMID of a segment still attached, whose key was not IPC_PRIVATE:
    // the key is free now (the id lives until the last detach). Runs after
    // the call, like on_removed.
    std::function<void(proto::Kind, std::int32_t id)> on_key_released;

    // After IPC_RMID (the daemon tells the referee); runs after the Done
    // callbacks of the waiters the removal failed.
    std::function<void(proto::Kind, std::int32_t id)> on_removed;

private:
    struct CallRef {
        proto::Kind kind;
        std::int32_t index;
        ProcKey proc;
        std::uint64_t serial;  // tells a reused CallId from the old call
    };

    Ctx begin();
    void finish(Ctx& ctx);
    void check_new_call(CallId call) const;
    void track(CallId call, proto::Kind kind, std::int32_t index, const ProcKey& proc,
               std::optional<std::int64_t> deadline);
    bool end_call(CallId call, int err, Ctx& ctx);
    void drop_calls(const std::set<ProcKey>& gone, Ctx& ctx);
    void exit_sem(const ProcKey& p, Ctx& ctx);

    // ipc_obtain_object_check (index and sequence) or, for *_STAT,
    // ipc_obtain_object_idr (index only).
    SemSet* find_sem(std::int32_t id, bool check_seq) const;
    MsgQueue* find_msg(std::int32_t id, bool check_seq) const;
    ShmSegment* find_shm(std::int32_t id, bool check_seq) const;

    std::optional<proto::Reply> semop_in(CallId call, const proto::Caller& c,
                                         const proto::SemopReq& req, Done&& done, Ctx& ctx);
    proto::Reply semctl_in(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx);
    proto::Reply sem_stat(const proto::Caller& c, const proto::SemctlReq& req);
    proto::Reply sem_main(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx);
    proto::Reply sem_setval(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx);
    proto::Reply sem_down(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx);
    std::optional<proto::Reply> msgsnd_in(CallId call, const proto::Caller& c,
                                          const proto::MsgsndReq& req, Done&& done, Ctx& ctx);
    std::optional<proto::Reply> msgrcv_in(CallId call, const proto::Caller& c,
                                          const proto::MsgrcvReq& req, Done&& done, Ctx& ctx);
    proto::Reply msgctl_in(const proto::Caller& c, const proto::MsgctlReq& req, Ctx& ctx);
    proto::Reply msg_stat(const proto::Caller& c, const proto::MsgctlReq& req);
    proto::Reply msg_down(const proto::Caller& c, const proto::MsgctlReq& req, Ctx& ctx);
    proto::Reply shmctl_in(const proto::Caller& c, const proto::ShmctlReq& req, Ctx& ctx);
    proto::Reply shm_stat(const proto::Caller& c, const proto::ShmctlReq& req);
    proto::Reply shm_down(const proto::Caller& c, const proto::ShmctlReq& req, Ctx& ctx);
    proto::Reply shm_lock(const proto::Caller& c, const proto::ShmctlReq& req);
    void shm_destroy(std::int32_t index, Ctx& ctx);

    proto::Limits limits_;
    Clock& clock_;
    std::map<std::int32_t, std::unique_ptr<SemSet>> sems_;    // by index
    std::map<std::int32_t, std::unique_ptr<MsgQueue>> msgs_;  // by index
    std::map<std::int32_t, std::unique_ptr<ShmSegment>> shms_;  // by index
    std::unordered_map<CallId, CallRef> calls_;
    std::set<std::tuple<std::int64_t, std::uint64_t, CallId>> deadlines_;  // (at, serial, call)
    std::uint64_t next_serial_ = 1;
    std::vector<std::pair<proto::Kind, std::int32_t>> removed_;  // for on_removed
    std::vector<std::pair<proto::Kind, std::int32_t>> keys_released_;  // for on_key_released
};

// struct seminfo / msginfo for IPC_INFO and SEM_INFO / MSG_INFO: the
// layer's limits, the kernel's constants where no sysctl exists, and for
// SEM_INFO/MSG_INFO the cluster's usage (the sum of every owner's usage()).
proto::SemInfoRec seminfo(const proto::Limits& limits, int cmd, const proto::Usage& cluster);
proto::MsgInfoRec msginfo(const proto::Limits& limits, int cmd, const proto::Usage& cluster);
// struct shminfo (IPC_INFO: shmseg = shmmni, as Linux reports it) and
// struct shm_info (SHM_INFO, from the cluster's usage: used_ids =
// structures, shm_tot = items (pages, as usage(Kind::shm) counts them),
// shm_rss = shm_tot (the layer does not know which pages are resident
// where), shm_swp and the swap counters 0).
proto::ShmInfoRec shminfo(const proto::Limits& limits);
proto::ShmUsageRec shm_usage(const proto::Usage& cluster);

}  // namespace papers::dipc::owner
