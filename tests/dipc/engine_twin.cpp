#include "engine_twin.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "engine_compare.hpp"
#include "engine_kernel_ns.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::enginetest {

namespace {

constexpr int kWaitMs = 10000;  // generous: a loaded 2-core VM

using proto::Kind;

const char* call_name(const KRequest& q) {
    switch (q.call) {
        case KCall::semget: return "semget";
        case KCall::semop: return q.timeout_ns == -1 ? "semop" : "semtimedop";
        case KCall::semctl: return "semctl";
        case KCall::msgget: return "msgget";
        case KCall::msgsnd: return "msgsnd";
        case KCall::msgrcv: return "msgrcv";
        case KCall::msgctl: return "msgctl";
        case KCall::shmget: return "shmget";
        case KCall::shmat: return "shmat";
        case KCall::shmdt: return "shmdt";
        case KCall::shmctl: return "shmctl";
        case KCall::fork: return "fork";
        case KCall::shmwrite: return "shmwrite";
        case KCall::shmread: return "shmread";
        case KCall::exec: return "exec";
    }
    return "?";
}

bool is_info(const KRequest& q) {
    if (q.call == KCall::semctl) return q.cmd == IPC_INFO || q.cmd == SEM_INFO;
    if (q.call == KCall::msgctl) return q.cmd == IPC_INFO || q.cmd == MSG_INFO;
    return false;
}

bool is_shm(const KRequest& q) {
    return q.call == KCall::shmget || q.call == KCall::shmat || q.call == KCall::shmdt ||
           q.call == KCall::shmctl || q.call == KCall::fork;
}

}  // namespace

std::int64_t TestClock::realtime_s() {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec;
}

// ---- twin -----------------------------------------------------------------

Twin::Twin(const proto::Limits& limits) : limits_(limits) {
    unavailable_ = enter_private_ipc_namespace(limits);
    engine_ = std::make_unique<owner::Engine>(limits, clock_);
    referee_ = std::make_unique<TestReferee>(*engine_, limits);
    engine_->on_removed = [this](proto::Kind kind, std::int32_t id) {
        referee_->removed(kind, id);
        if (kind == Kind::shm) segment_removed(id);
    };
    engine_->on_key_released = [this](proto::Kind kind, std::int32_t id) { referee_->key_released(kind, id); };
}

Twin::~Twin() = default;

void Twin::spawn(int p) {
    Party& P = parties_[p];
    P.actor = std::make_unique<Actor>(P.cred, P.host, next_start_++);
    P.pending = false;
    P.done.reset();
}

int Twin::add_party(const Cred& cred, std::uint32_t host) {
    parties_.emplace_back();
    parties_.back().cred = cred;
    parties_.back().host = host;
    spawn(static_cast<int>(parties_.size()) - 1);
    return static_cast<int>(parties_.size()) - 1;
}

std::vector<int> Twin::live_handles(proto::Kind kind) const {
    std::vector<int> v;
    for (std::size_t i = 0; i < handles_.size(); ++i)
        if (handles_[i].live && handles_[i].kind == kind) v.push_back(static_cast<int>(i));
    return v;
}

Target Twin::target(int handle, bool by_index) const {
    Target t;
    t.handle = handle;
    t.by_index = by_index;
    return t;
}


std::string Twin::describe(int p, const KRequest& q) const {
    std::ostringstream o;
    const Party& P = parties_[p];
    o << "P" << p << "(uid " << P.cred.euid << " gid " << P.cred.egid << " host " << P.host
      << " pid " << (P.actor ? P.actor->pid() : -1) << ") ";
    switch (q.call) {
        case KCall::semget: o << "semget key " << q.key << " nsems " << q.nsems << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::msgget: o << "msgget key " << q.key << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::semop:
            o << "semop id " << q.id << " [";
            for (int i = 0; i < q.nsops; ++i)
                o << (i ? ", " : "") << q.sops[i].sem_num << ":" << q.sops[i].sem_op
                  << ((q.sops[i].sem_flg & IPC_NOWAIT) ? " nowait" : "") << ((q.sops[i].sem_flg & SEM_UNDO) ? " undo" : "");
            o << "] timeout " << q.timeout_ns;
            break;
        case KCall::semctl:
            o << "semctl id " << q.id << " semnum " << q.semnum << " cmd " << q.cmd << " val " << q.val
              << " set uid " << q.uid << " gid " << q.gid << " mode 0" << std::oct << q.mode << std::dec;
            if (q.cmd == SETALL) {
                o << " values";
                for (int i = 0; i < 8; ++i) o << " " << q.values[i];
            }
            break;
        case KCall::msgsnd: o << "msgsnd id " << q.id << " type " << q.mtype << " size " << q.ntext << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::msgrcv: o << "msgrcv id " << q.id << " bufsz " << q.bufsz << " msgtyp " << q.msgtyp << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::msgctl:
            o << "msgctl id " << q.id << " cmd " << q.cmd << " set uid " << q.uid << " gid " << q.gid << " mode 0"
              << std::oct << q.mode << std::dec << " qbytes " << q.qbytes;
            break;
        case KCall::shmget: o << "shmget key " << q.key << " size " << q.size << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::shmat: o << "shmat id " << q.id << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::shmdt: o << "shmdt slot " << q.slot << " (id " << q.id << ")"; break;
        case KCall::shmctl:
            o << "shmctl id " << q.id << " cmd " << q.cmd << " set uid " << q.uid << " gid " << q.gid << " mode 0"
              << std::oct << q.mode << std::dec;
            break;
        case KCall::fork: o << "fork (" << P.attached.size() << " attachments)"; break;
        case KCall::shmwrite: case KCall::shmread: case KCall::exec: break;  // the full-layer test's only
    }
    return o.str();
}

std::optional<proto::Reply> Twin::engine_call(int p, const Target& t, const KRequest& q) {
    Party& P = parties_[p];
    proto::Caller c = P.actor->caller();
    std::int32_t eid = t.handle >= 0 ? handles_[t.handle].eid : t.eid;
    owner::CallId call = P.call;
    auto done = [this, p, call](proto::Reply r) {
        Party& party = parties_[p];
        if (!party.pending || party.call != call)
            fail("engine: Done for call " + std::to_string(call) + " that is not pending");
        else if (party.done)
            fail("engine: Done twice for call " + std::to_string(call));
        else
            party.done = std::move(r);
    };
    if (is_shm(q)) return shm_engine_call(p, eid, q);
    switch (q.call) {
        case KCall::semget:
        case KCall::msgget: {
            proto::GetReq g;
            g.kind = q.call == KCall::semget ? Kind::sem : Kind::msg;
            g.key = q.key;
            g.flags = q.flags;
            g.size = q.call == KCall::semget ? static_cast<std::uint64_t>(static_cast<std::int64_t>(q.nsems)) : 0;
            return referee_->get(g, c);
        }
        case KCall::semop: {
            proto::SemopReq r;
            r.id = eid;
            for (int i = 0; i < q.nsops; ++i)
                r.sops.push_back({q.sops[i].sem_num, q.sops[i].sem_op, q.sops[i].sem_flg});
            r.timeout_ns = q.timeout_ns;
            return engine_->semop(call, c, r, done);
        }
        case KCall::semctl: {
            if (is_info(q))
                return owner::success(0, proto::encode_payload(owner::seminfo(limits_, q.cmd, engine_->usage(Kind::sem))));
            proto::SemctlReq r;
            r.id = eid;
            r.semnum = q.semnum;
            r.cmd = q.cmd;
            r.val = q.val;
            r.values.assign(q.values, q.values + kMaxSemsT);
            r.set.uid = q.uid;
            r.set.gid = q.gid;
            r.set.mode = q.mode;
            return engine_->semctl(c, r);
        }
        case KCall::msgsnd: {
            proto::MsgsndReq r;
            r.id = eid;
            r.mtype = q.mtype;
            r.text.assign(q.text, q.text + q.ntext);
            r.flags = q.flags;
            return engine_->msgsnd(call, c, r, done);
        }
        case KCall::msgrcv: {
            proto::MsgrcvReq r;
            r.id = eid;
            r.maxsize = q.bufsz;
            r.msgtyp = q.msgtyp;
            r.flags = q.flags;
            return engine_->msgrcv(call, c, r, done);
        }
        case KCall::msgctl: {
            if (is_info(q))
                return owner::success(0, proto::encode_payload(owner::msginfo(limits_, q.cmd, engine_->usage(Kind::msg))));
            proto::MsgctlReq r;
            r.id = eid;
            r.cmd = q.cmd;
            r.set.uid = q.uid;
            r.set.gid = q.gid;
            r.set.mode = q.mode;
            r.set.qbytes = q.qbytes;
            return engine_->msgctl(c, r);
        }
        default: break;
    }
    return std::nullopt;
}

void Twin::call(int p, const Target& t, KRequest req, Resolve resolve) {
    if (!ok()) return;
    Party& P = parties_[p];
    if (P.pending) {
        fail("test bug: P" + std::to_string(p) + " already has a call in flight");
        return;
    }
    if (t.handle >= 0) {
        const Handle& h = handles_[t.handle];
        req.id = t.by_index ? (h.kid & proto::kIndexMask) : h.kid;
    } else {
        req.id = t.kid;
    }
    log(describe(p, req));
    ++calls_;
    P.req = req;
    P.target = t;
    P.call = next_call_++;
    P.done.reset();
    P.pending = true;  // until compared: a Done during engine_call would be a bug we report
    std::optional<proto::Reply> now = engine_call(p, t, req);
    P.actor->send(req);
    KResult k;
    if (now) {
        P.pending = false;
        if (!P.actor->receive(k, kWaitMs)) {
            fail(describe(p, req) + ": the engine answered (" + errname(now->err) + ") but the kernel blocks");
            P.actor->interrupt();
            P.actor->receive(k, kWaitMs);
            return;
        }
        compare(p, t, req, k, *now);
        settle(p);
        if ((req.call == KCall::shmctl && req.cmd == IPC_RMID) || req.call == KCall::shmdt) verify_segments();
        return;
    }
    if (resolve == Resolve::expire) {
        // The kernel's timeout is tiny: it is over (or about to be).
        clock_.advance_ns(std::max<long long>(req.timeout_ns, 0) + 1);
        engine_->expire(clock_.monotonic_ns());
        if (!P.actor->receive(k, kWaitMs)) {
            fail(describe(p, req) + ": the kernel's semtimedop did not time out");
            return;
        }
        if (!P.done) {
            fail(describe(p, req) + ": expire() did not end the call");
            P.pending = false;
            return;
        }
        finish_pending(p, k);
        settle(p);
        return;
    }
    if (!P.actor->wait_blocked(kWaitMs)) {
        fail(describe(p, req) + ": the kernel neither blocked nor answered");
        return;
    }
    if (P.actor->result_ready()) {
        P.actor->receive(k, kWaitMs);
        fail(describe(p, req) + ": the engine blocks but the kernel answered ret " + std::to_string(k.ret) +
             " " + errname(k.err));
        P.pending = false;
        return;
    }
    if (resolve == Resolve::interrupt)
        interrupt(p);
    else
        settle(p);
}

void Twin::interrupt(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    log("P" + std::to_string(p) + " interrupted");
    P.actor->interrupt();
    engine_->cancel(P.call);
    KResult k;
    if (!P.actor->receive(k, kWaitMs)) {
        fail("P" + std::to_string(p) + ": the kernel call did not end on a signal");
        return;
    }
    if (!P.done) {
        fail("P" + std::to_string(p) + ": cancel() did not end the engine call");
        P.pending = false;
        return;
    }
    finish_pending(p, k);
    settle(p);
}

void Twin::finish_pending(int p, const KResult& k) {
    Party& P = parties_[p];
    ++outcomes_[std::string(call_name(P.req)) + " blocked, then " + errname(k.err)];
    proto::Reply e = std::move(*P.done);
    P.done.reset();
    P.pending = false;
    compare(p, P.target, P.req, k, e);
}

// After a step: calls the engine completed must complete on the kernel;
// the others must still be asleep there.
void Twin::settle(int except) {
    for (int q = 0; q < parties() && ok(); ++q) {
        if (q == except || !parties_[q].pending) continue;
        Party& Q = parties_[q];
        KResult k;
        if (Q.done) {
            if (!Q.actor->receive(k, kWaitMs)) {
                fail(describe(q, Q.req) + ": the engine completed it (" + errname(Q.done->err) +
                     ") but the kernel still blocks");
                continue;
            }
            log("  ...P" + std::to_string(q) + " completes");
            finish_pending(q, k);
            continue;
        }
        if (!Q.actor->wait_blocked(kWaitMs)) {
            fail(describe(q, Q.req) + ": kernel actor neither asleep in its call nor answering");
            continue;
        }
        if (Q.actor->result_ready()) {
            Q.actor->receive(k, kWaitMs);
            fail(describe(q, Q.req) + ": the kernel completed it (ret " + std::to_string(k.ret) + " " +
                 errname(k.err) + ") but the engine keeps it waiting");
            Q.pending = false;
        }
    }
}

void Twin::kill_party(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    if (has_child(p)) end_child(p);
    proto::Caller c = P.actor->caller();
    log("P" + std::to_string(p) + " exits (pid " + std::to_string(c.pid) + (P.pending ? ", call in flight)" : ")"));
    P.actor->kill_now();
    engine_->process_gone(c.host, c.pid, c.start_time);
    if (P.pending && (!P.done || P.done->err != EINTR))
        fail("P" + std::to_string(p) + ": process_gone did not end its call with EINTR");
    // The kernel detached every attachment at the exit; the daemon notes them.
    std::vector<int> held;
    for (const Attachment& a : P.attached) held.push_back(a.handle);
    P.attached.clear();
    if (!held.empty()) ++outcomes_["exit with attachments"];
    note_all(p, held, -1, c.pid, "exit");
    spawn(p);
    settle(-1);
    verify_segments();
}

// host_lost ends every pending call of the host's processes first, then
// applies their undo lists in pid order. The kernel's counterpart: each
// waiting process is interrupted, then all exit one after the other in pid
// order (exit_sem clamps values, so the order can matter).
void Twin::lose_host(std::uint32_t host) {
    if (!ok()) return;
    log("host " + std::to_string(host) + " lost");
    std::vector<int> gone;
    for (int p = 0; p < parties(); ++p)
        if (parties_[p].host == host) gone.push_back(p);
    std::sort(gone.begin(), gone.end(),
              [&](int a, int b) { return parties_[a].actor->pid() < parties_[b].actor->pid(); });
    std::vector<int> waiting;
    for (int p : gone) {
        if (!parties_[p].pending) continue;
        parties_[p].actor->interrupt();
        KResult k;
        if (!parties_[p].actor->receive(k, kWaitMs) || k.err != EINTR)
            fail("P" + std::to_string(p) + ": its kernel call did not end with EINTR on a signal");
        waiting.push_back(p);
    }
    // The kernel: every process dies, and each detach sets lpid to the pid
    // of the dying process; host_lost knows no pids and leaves lpid.
    for (int p : gone) {
        Party& P = parties_[p];
        if (has_child(p) && !Actor::end_child(P.child)) fail("P" + std::to_string(p) + ": its child did not exit");
        for (int h : P.child_handles) handles_[h].lpid_unknown = true;
        for (const Attachment& a : P.attached) handles_[a.handle].lpid_unknown = true;
        if (!P.attached.empty() || !P.child_handles.empty()) ++outcomes_["host lost with attachments"];
        P.child = -1;
        P.child_handles.clear();
        P.attached.clear();
    }
    for (int p : gone) parties_[p].actor->kill_now();
    engine_->host_lost(host);
    for (int p : waiting)
        if (!parties_[p].done || parties_[p].done->err != EINTR)
            fail("P" + std::to_string(p) + ": host_lost did not end its call with EINTR");
    for (int p : gone) spawn(p);
    settle(-1);
    verify_segments();
}

void Twin::check_handle(int h) {
    const Handle& H = handles_[h];
    if (!H.live) return;
    KRequest q;
    if (H.kind == Kind::sem) {
        q.call = KCall::semctl;
        q.cmd = IPC_STAT;
        call(0, target(h), q);
        q.cmd = GETALL;
        call(0, target(h), q);
        for (int i = 0; i < H.nsems; ++i) {
            q.semnum = i;
            for (int cmd : {GETPID, GETNCNT, GETZCNT}) {
                q.cmd = cmd;
                call(0, target(h), q);
            }
        }
    } else {
        q.call = H.kind == Kind::msg ? KCall::msgctl : KCall::shmctl;
        q.cmd = IPC_STAT;
        call(0, target(h), q);
    }
}

void Twin::check_all() {
    for (std::size_t h = 0; h < handles_.size(); ++h) check_handle(static_cast<int>(h));
    KRequest q;
    q.call = KCall::semctl;
    for (int cmd : {IPC_INFO, SEM_INFO}) {
        q.cmd = cmd;
        call(0, Target{}, q);
    }
    q.call = KCall::msgctl;
    for (int cmd : {IPC_INFO, MSG_INFO}) {
        q.cmd = cmd;
        call(0, Target{}, q);
    }
    q.call = KCall::shmctl;
    for (int cmd : {IPC_INFO, SHM_INFO}) {
        q.cmd = cmd;
        call(0, Target{}, q);
    }
}

// Shared memory goes when removed and detached: every child exits, every
// attachment is detached, then every structure is removed.
void Twin::remove_everything() {
    for (int p = 0; p < parties() && ok(); ++p) {
        if (parties_[p].pending) continue;
        if (has_child(p)) end_child(p);
        while (ok() && !parties_[p].attached.empty()) shmdt(p, static_cast<int>(parties_[p].attached.size()) - 1);
    }
    for (std::size_t h = 0; h < handles_.size(); ++h) {
        if (!handles_[h].live) continue;
        KRequest q;
        q.call = handles_[h].kind == Kind::sem ? KCall::semctl
               : handles_[h].kind == Kind::msg ? KCall::msgctl
                                               : KCall::shmctl;
        q.cmd = IPC_RMID;
        call(0, target(static_cast<int>(h)), q);
    }
    for (int p = 0; p < parties() && ok(); ++p)
        if (parties_[p].pending) fail("P" + std::to_string(p) + " still waits after every structure was removed");
}

void Twin::compare(int p, const Target& t, const KRequest& q, const KResult& k, const proto::Reply& e) {
    std::ostringstream o;
    if (k.err != e.err) {
        o << "errno kernel " << errname(k.err) << " engine " << errname(e.err);
    } else if (k.err) {
        if (k.ret != -1 || e.ret != -1) o << "ret kernel " << k.ret << " engine " << e.ret;
    } else if (is_shm(q)) {
        compare_shm(p, t, q, k, e, o);
    } else if (q.call == KCall::semget || q.call == KCall::msgget) {
        Kind kind = q.call == KCall::semget ? Kind::sem : Kind::msg;
        auto same = std::find_if(handles_.begin(), handles_.end(),
                                 [&](const Handle& h) { return h.live && h.kind == kind && h.kid == k.ret; });
        if (same != handles_.end()) {
            last_handle_ = static_cast<int>(same - handles_.begin());
            if (same->eid != e.ret)
                o << "kernel names H" << (same - handles_.begin()) << ", the engine id " << e.ret << " does not";
        } else if (std::any_of(handles_.begin(), handles_.end(),
                               [&](const Handle& h) { return h.live && h.kind == kind && h.eid == e.ret; })) {
            o << "kernel created a structure, the engine answered an existing one (" << e.ret << ")";
        } else {
            handles_.push_back({kind, static_cast<int>(k.ret), static_cast<std::int32_t>(e.ret), q.nsems, true});
            last_handle_ = static_cast<int>(handles_.size()) - 1;
            log("  -> H" + std::to_string(handles_.size() - 1));
        }
    } else if (is_info(q)) {
        if (q.call == KCall::semctl) {
            proto::SemInfoRec r;
            proto::decode_payload(e.payload, r);
            o << seminfo_diff(k.sem_info, r);
        } else {
            proto::MsgInfoRec r;
            proto::decode_payload(e.payload, r);
            o << msginfo_diff(k.msg_info, r);
        }
    } else {
        bool stat = false, returns_id = false;
        // (GETALL and MSG_STAT_ANY are both 13: the call decides.)
        if (q.call == KCall::semctl) stat = q.cmd == IPC_STAT || q.cmd == SEM_STAT || q.cmd == SEM_STAT_ANY;
        if (q.call == KCall::msgctl) stat = q.cmd == IPC_STAT || q.cmd == MSG_STAT || q.cmd == MSG_STAT_ANY;
        returns_id = stat && q.cmd != IPC_STAT;
        if (returns_id) {
            std::int32_t want = t.handle >= 0 ? handles_[t.handle].eid : -1;
            bool kernel_names_it = t.handle >= 0 && handles_[t.handle].kid == k.ret;
            if (!kernel_names_it || e.ret != want)
                o << "id kernel " << k.ret << " engine " << e.ret << " (target H" << t.handle << ")";
        } else if (k.ret != e.ret) {
            o << "ret kernel " << k.ret << " engine " << e.ret;
        }
        if (stat && q.call == KCall::semctl) {
            proto::SemDsRec r;
            if (!proto::decode_payload(e.payload, r))
                o << " engine payload not a SemDsRec";
            else
                o << sem_ds_diff(kernel_sem_ds(k.sem_ds), r);
        } else if (stat) {
            proto::MsgDsRec r;
            if (!proto::decode_payload(e.payload, r))
                o << " engine payload not a MsgDsRec";
            else
                o << msg_ds_diff(kernel_msg_ds(k.msg_ds), r);
        } else if (q.call == KCall::semctl && q.cmd == GETALL) {
            proto::SemValues r;
            int n = t.handle >= 0 ? handles_[t.handle].nsems : 0;
            if (!proto::decode_payload(e.payload, r) || static_cast<int>(r.values.size()) != n) {
                o << " engine payload not " << n << " values";
            } else {
                for (int i = 0; i < n; ++i)
                    if (k.values[i] != r.values[i]) o << " sem" << i << " " << k.values[i] << "/" << r.values[i];
            }
        } else if (q.call == KCall::msgrcv) {
            proto::MsgText r;
            if (!proto::decode_payload(e.payload, r)) {
                o << " engine payload not a MsgText";
            } else {
                if (k.mtype != r.mtype) o << " mtype " << k.mtype << "/" << r.mtype;
                if (static_cast<long>(r.text.size()) != k.ret ||
                    (k.ret > 0 && std::memcmp(k.text, r.text.data(), r.text.size()) != 0))
                    o << " text differs";
            }
        }
        if (o.str().empty() && (q.cmd == IPC_RMID) && (q.call == KCall::semctl || q.call == KCall::msgctl) &&
            t.handle >= 0) {
            handles_[t.handle].live = false;
            log("  -> H" + std::to_string(t.handle) + " removed");
        }
    }
    std::string diff = o.str();
    if (!diff.empty()) fail(describe(p, q) + ":\n  kernel/engine:" + diff);
    std::string what = call_name(q);
    if (q.call == KCall::semctl || q.call == KCall::msgctl || q.call == KCall::shmctl)
        what += " cmd " + std::to_string(q.cmd);
    if (q.call == KCall::shmat && q.flags) {
        std::ostringstream f;
        f << " flags 0" << std::oct << q.flags;
        what += f.str();
    }
    if (q.call == KCall::msgrcv && (q.flags & MSG_COPY)) what += " MSG_COPY";
    if (q.call == KCall::semop && std::any_of(q.sops, q.sops + std::max(q.nsops, 0),
                                              [](const sembuf& b) { return b.sem_flg & SEM_UNDO; }))
        what += " SEM_UNDO";
    ++outcomes_[what + " " + errname(k.err)];
}

int Twin::shmget(int p, int key, unsigned long size, int flags) {
    last_handle_ = -1;
    KRequest q;
    q.call = KCall::shmget;
    q.key = key;
    q.size = size;
    q.flags = flags;
    call(p, Target{}, q);
    return last_handle_;
}

int Twin::get(int p, proto::Kind kind, int key, int nsems, int flags) {
    last_handle_ = -1;
    KRequest q;
    q.call = kind == Kind::sem ? KCall::semget : KCall::msgget;
    q.key = key;
    q.nsems = nsems;
    q.flags = flags;
    call(p, Target{}, q);
    return last_handle_;
}

}  // namespace papers::dipc::enginetest
