// engine.cpp — creation and lookup, call bookkeeping, process and host
// lifetimes, deadlines, usage. The System V calls themselves are in
// engine_sem.cpp, engine_msg.cpp and engine_shm.cpp.
#include "engine.hpp"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <stdexcept>

#include "msg_queue.hpp"
#include "proto/ids.hpp"
#include "sem_set.hpp"
#include "shm_segment.hpp"
#include "sysv.hpp"

namespace papers::dipc::owner {

Engine::Engine(const proto::Limits& limits, Clock& clock) : limits_(limits), clock_(clock) {}

Engine::~Engine() = default;

Ctx Engine::begin() {
    Ctx ctx;
    ctx.now_s = clock_.realtime_s();
    return ctx;
}

// The kernel wakes tasks after dropping its locks; the engine delivers the
// replies once its state is complete.
void Engine::finish(Ctx& ctx) {
    for (const Wake& w : ctx.wakes) calls_.erase(w.call);
    for (Wake& w : ctx.wakes)
        if (w.done) w.done(std::move(w.reply));
    auto released = std::move(keys_released_);
    keys_released_.clear();
    if (on_key_released)
        for (auto [kind, id] : released) on_key_released(kind, id);
    auto removed = std::move(removed_);
    removed_.clear();
    if (on_removed)
        for (auto [kind, id] : removed) on_removed(kind, id);
}

void Engine::check_new_call(CallId call) const {
    if (calls_.count(call))
        throw std::logic_error("papers-dipcd owner engine: call id already pending");
}

void Engine::track(CallId call, proto::Kind kind, std::int32_t index, const ProcKey& proc,
                   std::optional<std::int64_t> deadline) {
    std::uint64_t serial = next_serial_++;
    calls_[call] = CallRef{kind, index, proc, serial};
    if (deadline) deadlines_.emplace(*deadline, serial, call);
}

// A pending call leaves with err (EINTR, EAGAIN, ...): false if not pending.
bool Engine::end_call(CallId call, int err, Ctx& ctx) {
    auto it = calls_.find(call);
    if (it == calls_.end()) return false;
    const CallRef& ref = it->second;
    if (ref.kind == proto::Kind::sem) {
        auto s = sems_.find(ref.index);
        return s != sems_.end() && s->second->cancel(call, err, ctx);
    }
    auto q = msgs_.find(ref.index);
    return q != msgs_.end() && q->second->cancel(call, err, ctx);
}

bool Engine::exists(proto::Kind kind, std::int32_t id) const {
    if (kind == proto::Kind::sem) return find_sem(id, true) != nullptr;
    if (kind == proto::Kind::msg) return find_msg(id, true) != nullptr;
    return find_shm(id, true) != nullptr;
}

SemSet* Engine::find_sem(std::int32_t id, bool check_seq) const {
    auto it = sems_.find(proto::index_of(id));
    if (it == sems_.end()) return nullptr;
    if (check_seq && it->second->perm.id != id) return nullptr;
    return it->second.get();
}

MsgQueue* Engine::find_msg(std::int32_t id, bool check_seq) const {
    auto it = msgs_.find(proto::index_of(id));
    if (it == msgs_.end()) return nullptr;
    if (check_seq && it->second->perm.id != id) return nullptr;
    return it->second.get();
}

ShmSegment* Engine::find_shm(std::int32_t id, bool check_seq) const {
    auto it = shms_.find(proto::index_of(id));
    if (it == shms_.end()) return nullptr;
    if (check_seq && it->second->perm.id != id) return nullptr;
    return it->second.get();
}

// ---- get --------------------------------------------------------------

int Engine::validate_get(const proto::GetReq& req, const proto::Limits& limits) {
    if (req.kind == proto::Kind::sem) {
        // nsems is the caller's int; the wire widened it.
        auto nsems = static_cast<std::int64_t>(req.size);
        if (nsems < 0 || nsems > static_cast<std::int64_t>(limits.semmsl)) return EINVAL;
    }
    return 0;
}

int Engine::validate_create(const proto::GetReq& req, const proto::Limits& limits) {
    if (int e = validate_get(req, limits)) return e;
    if (req.kind == proto::Kind::sem && req.size == 0) return EINVAL;
    if (req.kind == proto::Kind::shm) {
        // newseg: the size (the caller's size_t), then whether its page
        // count fits (only a SHMMAX configured near 2^64 lets one through).
        if (req.size < limits.shmmin || req.size > limits.shmmax) return EINVAL;
        if (req.size > std::numeric_limits<std::uint64_t>::max() - (kShmPageBytes - 1)) return ENOSPC;
    }
    return 0;
}

proto::Reply Engine::create(const proto::GetReq& req, const proto::Caller& caller) {
    if (int e = validate_create(req, limits_)) return failure(e);
    if (!proto::is_dipc_id(req.id)) return failure(EINVAL);
    std::int32_t index = proto::index_of(req.id);
    if (sems_.count(index) && req.kind == proto::Kind::sem) return failure(EEXIST);
    if (msgs_.count(index) && req.kind == proto::Kind::msg) return failure(EEXIST);
    if (shms_.count(index) && req.kind == proto::Kind::shm) return failure(EEXIST);
    Ctx ctx = begin();
    IpcPerm perm = IpcPerm::created(req.key, req.id, static_cast<std::uint32_t>(req.flags), caller);
    if (req.kind == proto::Kind::sem)
        sems_[index] = std::make_unique<SemSet>(perm, static_cast<int>(req.size), ctx.now_s, limits_);
    else if (req.kind == proto::Kind::msg)
        msgs_[index] = std::make_unique<MsgQueue>(perm, limits_.msgmnb, ctx.now_s);
    else
        shms_[index] = std::make_unique<ShmSegment>(perm, req.size, caller.pid, ctx.now_s);
    finish(ctx);
    return success(req.id);
}

proto::Reply Engine::get_existing(const proto::GetReq& req, const proto::Caller& caller) {
    const IpcPerm* perm = nullptr;
    if (req.kind == proto::Kind::sem) {
        if (SemSet* s = find_sem(req.id, true)) perm = &s->perm;
    } else if (req.kind == proto::Kind::msg) {
        if (MsgQueue* q = find_msg(req.id, true)) perm = &q->perm;
    } else if (ShmSegment* seg = find_shm(req.id, true)) {
        // Marked for destruction, its key is IPC_PRIVATE: the key no longer
        // finds it (the referee has not heard yet).
        if (seg->perm.key == req.key) perm = &seg->perm;
    }
    if (!perm) return failure(EIDRM);
    if ((req.flags & IPC_CREAT) && (req.flags & IPC_EXCL)) return failure(EEXIST);
    if (req.kind == proto::Kind::sem &&
        static_cast<std::int64_t>(req.size) > find_sem(req.id, true)->nsems())
        return failure(EINVAL);
    if (req.kind == proto::Kind::shm && find_shm(req.id, true)->size() < req.size) return failure(EINVAL);
    if (!access_allowed(*perm, caller, req.flags)) return failure(EACCES);
    return success(req.id);
}

// ---- lifetimes ----------------------------------------------------------

void Engine::cancel(CallId call) {
    Ctx ctx = begin();
    end_call(call, EINTR, ctx);
    finish(ctx);
}

// A dying task leaves its blocked call before exit_sem runs.
void Engine::drop_calls(const std::set<ProcKey>& gone, Ctx& ctx) {
    std::vector<CallId> theirs;
    for (const auto& [call, ref] : calls_)
        if (gone.count(ref.proc)) theirs.push_back(call);
    std::sort(theirs.begin(), theirs.end());
    for (CallId call : theirs) end_call(call, EINTR, ctx);
}

void Engine::exit_sem(const ProcKey& p, Ctx& ctx) {
    for (auto& [index, set] : sems_) set->exit_undo(p, p.pid, ctx);
}

void Engine::process_gone(std::uint32_t host, std::int32_t pid, std::uint64_t start_time) {
    ProcKey p{host, pid, start_time};
    Ctx ctx = begin();
    drop_calls({p}, ctx);
    exit_sem(p, ctx);
    finish(ctx);
}

// A lost host's processes are all dead: none of their blocked calls may be
// completed by another's undo, so every call goes first; then the undo
// lists apply one process after the other (pid order: clamping makes the
// order matter).
void Engine::host_lost(std::uint32_t host) {
    std::set<ProcKey> gone;
    for (const auto& [call, ref] : calls_)
        if (ref.proc.host == host) gone.insert(ref.proc);
    for (const auto& [index, set] : sems_)
        for (const ProcKey& p : set->undo_holders())
            if (p.host == host) gone.insert(p);
    Ctx ctx = begin();
    drop_calls(gone, ctx);
    for (const ProcKey& p : gone) exit_sem(p, ctx);
    std::vector<std::int32_t> destroyed;
    for (auto& [index, seg] : shms_)
        if (seg->drop_host(host, ctx.now_s) && seg->may_destroy()) destroyed.push_back(index);
    for (std::int32_t index : destroyed) shm_destroy(index, ctx);
    finish(ctx);
}

void Engine::remove_all(int err) {
    Ctx ctx = begin();
    for (auto& [index, set] : sems_) set->remove(err, ctx);
    for (auto& [index, q] : msgs_) q->remove(err, ctx);
    sems_.clear();
    msgs_.clear();
    shms_.clear();
    deadlines_.clear();
    finish(ctx);
}

// ---- deadlines ----------------------------------------------------------

std::optional<std::int64_t> Engine::next_deadline_ns() {
    while (!deadlines_.empty()) {
        auto [at, serial, call] = *deadlines_.begin();
        auto it = calls_.find(call);
        if (it != calls_.end() && it->second.serial == serial) return at;
        deadlines_.erase(deadlines_.begin());  // that call completed meanwhile
    }
    return std::nullopt;
}

void Engine::expire(std::int64_t now_ns) {
    Ctx ctx = begin();
    while (!deadlines_.empty() && std::get<0>(*deadlines_.begin()) <= now_ns) {
        auto [at, serial, call] = *deadlines_.begin();
        deadlines_.erase(deadlines_.begin());
        auto it = calls_.find(call);
        if (it != calls_.end() && it->second.serial == serial) end_call(call, EAGAIN, ctx);
    }
    finish(ctx);
}

// ---- usage --------------------------------------------------------------

proto::Usage Engine::usage(proto::Kind kind) const {
    proto::Usage u;
    if (kind == proto::Kind::sem) {
        u.structures = sems_.size();
        for (const auto& [index, s] : sems_) u.items += static_cast<std::uint64_t>(s->nsems());
    } else if (kind == proto::Kind::msg) {
        u.structures = msgs_.size();
        for (const auto& [index, q] : msgs_) {
            u.items += q->qnum();
            u.bytes += q->cbytes();
        }
    } else if (kind == proto::Kind::shm) {
        u.structures = shms_.size();
        for (const auto& [index, seg] : shms_) {
            u.items += seg->pages();
            u.bytes += seg->size();
        }
    }
    return u;
}

}  // namespace papers::dipc::owner
