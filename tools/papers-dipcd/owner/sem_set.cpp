#include "sem_set.hpp"

#include <algorithm>
#include <cerrno>

#include "sysv.hpp"

namespace papers::dipc::owner {

SemSet::SemSet(const IpcPerm& p, int nsems, std::int64_t now_s, const proto::Limits& limits)
    : perm(p), ctime(now_s), semvmx_(static_cast<int>(limits.semvmx)),
      semaem_(static_cast<int>(limits.semaem)), sems_(static_cast<std::size_t>(nsems)) {}

SemSet::~SemSet() = default;

void SemSet::ensure_undo(const ProcKey& p) { undo_of(p); }

std::vector<int>& SemSet::undo_of(const ProcKey& p) {
    auto it = undo_.find(p);
    if (it == undo_.end()) it = undo_.emplace(p, std::vector<int>(sems_.size(), 0)).first;
    return it->second;
}

// perform_atomic_semop: the operations in order, each on the values the
// previous ones left, all rolled back unless every one succeeds. (The
// kernel's two-pass fast variant gives the same results when no semaphore
// appears twice; this is its general variant.)
int SemSet::perform(SemWaiter& q) {
    std::vector<int>* adj = q.undo ? &undo_of(q.proc) : nullptr;
    std::size_t i = 0;
    int result = 0;
    for (; i < q.sops.size(); ++i) {
        const proto::SemBuf& sop = q.sops[i];
        Sem& s = sems_[sop.num];
        int next = s.val + sop.op;
        if ((sop.op == 0 && s.val != 0) || next < 0) {
            q.blocking = i;
            result = (sop.flg & IPC_NOWAIT) ? -EAGAIN : 1;
            break;
        }
        if (next > semvmx_) {
            result = -ERANGE;
            break;
        }
        if (sop.flg & SEM_UNDO) {
            int u = (*adj)[sop.num] - sop.op;
            if (u < -semaem_ - 1 || u > semaem_) {  // the adjustment must stay in range too
                result = -ERANGE;
                break;
            }
            (*adj)[sop.num] = u;
        }
        s.val = next;
    }
    if (result == 0) {
        for (const proto::SemBuf& sop : q.sops) sems_[sop.num].pid = q.pid;
        return 0;
    }
    while (i-- > 0) {
        const proto::SemBuf& sop = q.sops[i];
        sems_[sop.num].val -= sop.op;
        if (sop.flg & SEM_UNDO) (*adj)[sop.num] += sop.op;
    }
    return result;
}

std::optional<int> SemSet::semop(std::unique_ptr<SemWaiter> w, Ctx& ctx) {
    std::optional<int> result;
    int e = perform(*w);
    if (e == 0) {
        if (w->alter)
            smart_update(&w->sops, true, ctx);
        else
            set_otime(&w->sops, ctx);
        result = 0;
    } else if (e < 0) {
        result = e;
    } else {
        enqueue(std::move(w));
    }
    settle();
    return result;
}

void SemSet::enqueue(std::unique_ptr<SemWaiter> w) {
    SemWaiter* q = w.get();
    waiters_[q->call] = std::move(w);
    WaitList* l;
    if (q->sops.size() == 1) {
        Sem& s = sems_[q->sops[0].num];
        if (q->alter)
            l = complex_count_ ? &pending_alter_ : &s.pending_alter;
        else
            l = &s.pending_const;
    } else {
        // A complex waiter needs FIFO order with the single ones that alter.
        if (!complex_count_) merge_queues();
        l = q->alter ? &pending_alter_ : &pending_const_;
        ++complex_count_;
    }
    q->list = l;
    q->pos = l->insert(l->end(), q);
}

// merge_queues: each semaphore's alter queue goes to the head of the set's,
// semaphore 0 first, so the last semaphore's waiters end up in front.
void SemSet::merge_queues() {
    for (Sem& s : sems_) {
        for (SemWaiter* q : s.pending_alter) q->list = &pending_alter_;
        pending_alter_.splice(pending_alter_.begin(), s.pending_alter);
    }
}

// unmerge_queues, run where the kernel drops the set-wide lock.
void SemSet::settle() {
    if (complex_count_) return;
    while (!pending_alter_.empty()) {
        SemWaiter* q = pending_alter_.front();
        WaitList& l = sems_[q->sops[0].num].pending_alter;
        l.splice(l.end(), pending_alter_, pending_alter_.begin());
        q->list = &l;
    }
}

void SemSet::unlink(SemWaiter* q) {
    q->list->erase(q->pos);
    q->list = nullptr;
    if (q->sops.size() > 1) --complex_count_;
}

// The waiter's reply goes out; the waiter is gone (already unlinked).
void SemSet::finish_waiter(SemWaiter* q, int error, Ctx& ctx) {
    auto it = waiters_.find(q->call);
    ctx.wakes.push_back({q->call, std::move(q->done), reply_of(error)});
    waiters_.erase(it);
}

bool SemSet::wake_const_ops(int semnum, Ctx& ctx) {
    WaitList& l = semnum == -1 ? pending_const_ : sems_[semnum].pending_const;
    bool completed = false;
    for (auto it = l.begin(); it != l.end();) {
        auto next = std::next(it);
        SemWaiter* q = *it;
        int e = perform(*q);
        if (e <= 0) {
            unlink(q);
            finish_waiter(q, e, ctx);
            if (e == 0) completed = true;
        }
        it = next;
    }
    return completed;
}

// do_smart_wakeup_zero: waits for zero on the semaphores now at zero, then
// the complex ones if any semaphore reached zero. sops null: all semaphores.
bool SemSet::wakeup_zero(const std::vector<proto::SemBuf>* sops, Ctx& ctx) {
    bool completed = false, got_zero = false;
    if (sops) {
        for (const proto::SemBuf& sop : *sops) {
            if (sems_[sop.num].val == 0) {
                got_zero = true;
                completed |= wake_const_ops(sop.num, ctx);
            }
        }
    } else {
        for (int i = 0; i < nsems(); ++i) {
            if (sems_[i].val == 0) {
                got_zero = true;
                completed |= wake_const_ops(i, ctx);
            }
        }
    }
    if (got_zero) completed |= wake_const_ops(-1, ctx);
    return completed;
}

bool SemSet::check_restart(const SemWaiter& q) const {
    // Complex alters pending, or q was one: too hard to analyse, rescan.
    if (!pending_alter_.empty()) return true;
    if (q.sops.size() > 1) return true;
    // q was a single decrement; older decrements of the same semaphore saw
    // a larger value and still failed.
    return false;
}

// update_queue: FIFO scan of one alter queue (semnum -1: the set's),
// completing every waiter that can proceed, rescanning after a completion
// when check_restart says so.
bool SemSet::update_queue(int semnum, Ctx& ctx) {
    WaitList& l = semnum == -1 ? pending_alter_ : sems_[semnum].pending_alter;
    bool completed = false;
again:
    for (auto it = l.begin(); it != l.end();) {
        auto next = std::next(it);
        // A single-semaphore queue holds decrements only: none proceeds at 0.
        if (semnum != -1 && sems_[semnum].val == 0) break;
        SemWaiter* q = *it;
        int e = perform(*q);
        if (e > 0) {
            it = next;
            continue;
        }
        unlink(q);
        bool restart = false;
        if (e == 0) {
            completed = true;
            wakeup_zero(&q->sops, ctx);
            restart = check_restart(*q);
        }
        finish_waiter(q, e, ctx);
        if (restart) goto again;
        it = next;
    }
    return completed;
}

void SemSet::set_otime(const std::vector<proto::SemBuf>* sops, Ctx& ctx) {
    sems_[sops ? (*sops)[0].num : 0].otime = ctx.now_s;
}

// do_smart_update: after the values changed (sops null: any of them).
void SemSet::smart_update(const std::vector<proto::SemBuf>* sops, bool otime, Ctx& ctx) {
    otime |= wakeup_zero(sops, ctx);
    if (!pending_alter_.empty()) {
        otime |= update_queue(-1, ctx);
    } else if (!sops) {
        for (int i = 0; i < nsems(); ++i) otime |= update_queue(i, ctx);
    } else {
        // Only increments can let a single decrement proceed.
        for (const proto::SemBuf& sop : *sops)
            if (sop.op > 0) otime |= update_queue(sop.num, ctx);
    }
    if (otime) set_otime(sops, ctx);
}

bool SemSet::cancel(CallId call, int err, Ctx& ctx) {
    auto it = waiters_.find(call);
    if (it == waiters_.end()) return false;
    SemWaiter* q = it->second.get();
    unlink(q);
    finish_waiter(q, -err, ctx);
    settle();
    return true;
}

bool SemSet::exit_undo(const ProcKey& p, std::int32_t pid, Ctx& ctx) {
    auto it = undo_.find(p);
    if (it == undo_.end()) return false;
    std::vector<int> adj = std::move(it->second);
    undo_.erase(it);
    for (int i = 0; i < nsems(); ++i) {
        if (!adj[i]) continue;
        Sem& s = sems_[i];
        // Linux clamps to 0..SEMVMX rather than waiting or failing.
        s.val = std::clamp(s.val + adj[i], 0, semvmx_);
        s.pid = pid;
    }
    smart_update(nullptr, true, ctx);
    settle();
    return true;
}

void SemSet::remove(int err, Ctx& ctx) {
    undo_.clear();
    auto drain = [&](WaitList& l) {
        while (!l.empty()) {
            SemWaiter* q = l.front();
            unlink(q);
            finish_waiter(q, -err, ctx);
        }
    };
    drain(pending_const_);
    drain(pending_alter_);
    for (Sem& s : sems_) {
        drain(s.pending_const);
        drain(s.pending_alter);
    }
}

std::vector<std::uint16_t> SemSet::values() const {
    std::vector<std::uint16_t> v;
    v.reserve(sems_.size());
    for (const Sem& s : sems_) v.push_back(static_cast<std::uint16_t>(s.val));
    return v;
}

void SemSet::setval(int semnum, int val, std::int32_t pid, Ctx& ctx) {
    for (auto& [proc, adj] : undo_) adj[semnum] = 0;
    sems_[semnum].val = val;
    sems_[semnum].pid = pid;
    ctime = ctx.now_s;
    smart_update(nullptr, false, ctx);
    settle();
}

void SemSet::setall(const std::vector<std::uint16_t>& values, std::int32_t pid, Ctx& ctx) {
    for (int i = 0; i < nsems(); ++i) {
        sems_[i].val = values[i];
        sems_[i].pid = pid;
    }
    for (auto& [proc, adj] : undo_) std::fill(adj.begin(), adj.end(), 0);
    ctime = ctx.now_s;
    smart_update(nullptr, false, ctx);
    settle();
}

// count_semcnt: a waiter counts once, on the semaphore it waits on.
int SemSet::count_waiters(int semnum, bool zero) const {
    const Sem& s = sems_[semnum];
    int n = static_cast<int>(zero ? s.pending_const.size() : s.pending_alter.size());
    auto waits_here = [&](const SemWaiter* q) {
        const proto::SemBuf& sop = q->sops[q->blocking];
        if (sop.num != semnum) return 0;
        return (zero ? sop.op == 0 : sop.op < 0) ? 1 : 0;
    };
    for (const SemWaiter* q : pending_alter_) n += waits_here(q);
    if (zero)
        for (const SemWaiter* q : pending_const_) n += waits_here(q);
    return n;
}

proto::SemDsRec SemSet::ds() const {
    proto::SemDsRec r;
    r.perm = perm.record();
    for (const Sem& s : sems_) r.otime = std::max(r.otime, s.otime);
    r.ctime = ctime;
    r.nsems = sems_.size();
    return r;
}

std::vector<ProcKey> SemSet::undo_holders() const {
    std::vector<ProcKey> v;
    for (const auto& [proc, adj] : undo_) v.push_back(proc);
    return v;
}

std::vector<CallId> SemSet::pending_calls() const {
    std::vector<CallId> v;
    for (const auto& [call, w] : waiters_) v.push_back(call);
    return v;
}

}  // namespace papers::dipc::owner
