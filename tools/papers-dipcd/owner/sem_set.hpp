// sem_set.hpp — one System V semaphore set at its owner, with Linux 6.x's
// queue discipline (ipc/sem.c): per-semaphore queues for single-operation
// waiters, set-wide queues for complex (multi-operation) ones, merged while
// complex waiters exist; update_queue's FIFO scan with restarts;
// wait-for-zero wake-ups; SEM_UNDO adjustments per process.
//
// Callers (Engine) make the argument, lookup and permission checks first.
// Every mutating member leaves the queues as the kernel leaves them when it
// drops the set's lock (unmerged when no complex waiter is left).
#pragma once
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "calls.hpp"
#include "ipc_perm.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::owner {

struct SemWaiter;
using WaitList = std::list<SemWaiter*>;

// A semop array that could not complete (struct sem_queue).
struct SemWaiter {
    CallId call = 0;
    ProcKey proc;
    std::int32_t pid = 0;  // becomes sempid when the array completes
    std::vector<proto::SemBuf> sops;
    bool alter = false;      // some sem_op != 0
    bool undo = false;       // some SEM_UNDO: the process's adjustments apply
    std::size_t blocking = 0;  // the operation it waits on (GETNCNT/GETZCNT)
    Done done;
    WaitList* list = nullptr;  // where it waits
    WaitList::iterator pos;
};

class SemSet {
public:
    SemSet(const IpcPerm& perm, int nsems, std::int64_t now_s, const proto::Limits& limits);
    ~SemSet();
    SemSet(const SemSet&) = delete;
    SemSet& operator=(const SemSet&) = delete;

    IpcPerm perm;
    std::int64_t ctime = 0;

    int nsems() const { return static_cast<int>(sems_.size()); }

    // find_alloc_undo: the process gets its (zero) adjustments for this set.
    void ensure_undo(const ProcKey& p);

    // The array applied now (0), refused (a negated errno: ERANGE, EAGAIN),
    // or queued (nullopt; the waiter's done runs when it completes).
    std::optional<int> semop(std::unique_ptr<SemWaiter> w, Ctx& ctx);

    // A pending call leaves with `err` (EINTR, EAGAIN on timeout): false if
    // it is not waiting here.
    bool cancel(CallId call, int err, Ctx& ctx);

    // exit_sem for this set: adjustments applied (clamped to 0..SEMVMX,
    // sempid = pid), waiters re-evaluated. False if p had no undo here.
    bool exit_undo(const ProcKey& p, std::int32_t pid, Ctx& ctx);

    // freeary: every waiter leaves with err (EIDRM), undo lists dropped.
    void remove(int err, Ctx& ctx);

    // semctl. semnum/values are checked by the caller.
    int value(int semnum) const { return sems_[semnum].val; }
    std::int32_t sempid(int semnum) const { return sems_[semnum].pid; }
    int ncnt(int semnum) const { return count_waiters(semnum, false); }
    int zcnt(int semnum) const { return count_waiters(semnum, true); }
    std::vector<std::uint16_t> values() const;
    void setval(int semnum, int val, std::int32_t pid, Ctx& ctx);
    void setall(const std::vector<std::uint16_t>& values, std::int32_t pid, Ctx& ctx);
    proto::SemDsRec ds() const;

    std::vector<ProcKey> undo_holders() const;
    std::vector<CallId> pending_calls() const;

private:
    struct Sem {
        int val = 0;
        std::int32_t pid = 0;
        std::int64_t otime = 0;
        WaitList pending_alter;  // single-operation decrements
        WaitList pending_const;  // single-operation waits for zero
    };

    int perform(SemWaiter& q);
    void enqueue(std::unique_ptr<SemWaiter> w);
    void unlink(SemWaiter* q);
    void finish_waiter(SemWaiter* q, int error, Ctx& ctx);
    void merge_queues();
    void settle();
    bool wake_const_ops(int semnum, Ctx& ctx);
    bool wakeup_zero(const std::vector<proto::SemBuf>* sops, Ctx& ctx);
    bool update_queue(int semnum, Ctx& ctx);
    bool check_restart(const SemWaiter& q) const;
    void smart_update(const std::vector<proto::SemBuf>* sops, bool otime, Ctx& ctx);
    void set_otime(const std::vector<proto::SemBuf>* sops, Ctx& ctx);
    int count_waiters(int semnum, bool zero) const;
    std::vector<int>& undo_of(const ProcKey& p);

    int semvmx_, semaem_;
    std::vector<Sem> sems_;
    WaitList pending_alter_;  // complex alters, and every alter while merged
    WaitList pending_const_;  // complex waits for zero
    int complex_count_ = 0;
    std::map<ProcKey, std::vector<int>> undo_;  // semadj per process
    std::unordered_map<CallId, std::unique_ptr<SemWaiter>> waiters_;
};

}  // namespace papers::dipc::owner
