#include "layerdiff_twin.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "engine_compare.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::layerdiff {

namespace {

using enginetest::errname;
using enginetest::KCall;
using proto::Kind;

constexpr int kSignalLostMs = 3000;  // no verdict this long after a signal: the signal was lost

const char* call_name(const KRequest& q) {
    switch (q.call) {
        case KCall::semget: return "semget";
        case KCall::semop: return q.timeout_ns == -1 && !q.fault_timeout ? "semop" : "semtimedop";
        case KCall::semctl: return "semctl";
        case KCall::msgget: return "msgget";
        case KCall::msgsnd: return "msgsnd";
        case KCall::msgrcv: return "msgrcv";
        case KCall::msgctl: return "msgctl";
        default: break;  // shared memory is not this test's (yet)
    }
    return "?";
}

bool is_get(const KRequest& q) { return q.call == KCall::semget || q.call == KCall::msgget; }

bool is_info(const KRequest& q) {
    if (q.call == KCall::semctl) return q.cmd == IPC_INFO || q.cmd == SEM_INFO;
    if (q.call == KCall::msgctl) return q.cmd == IPC_INFO || q.cmd == MSG_INFO;
    return false;
}

KRequest semctl_probe(int id, int semnum, int cmd) {
    KRequest q;
    q.call = KCall::semctl;
    q.id = id;
    q.semnum = semnum;
    q.cmd = cmd;
    return q;
}

proto::SemInfoRec sem_info_rec(const struct seminfo& i) {
    proto::SemInfoRec r;
    r.semmap = i.semmap, r.semmni = i.semmni, r.semmns = i.semmns, r.semmnu = i.semmnu, r.semmsl = i.semmsl;
    r.semopm = i.semopm, r.semume = i.semume, r.semusz = i.semusz, r.semvmx = i.semvmx, r.semaem = i.semaem;
    return r;
}

proto::MsgInfoRec msg_info_rec(const struct msginfo& i) {
    proto::MsgInfoRec r;
    r.msgpool = i.msgpool, r.msgmap = i.msgmap, r.msgmax = i.msgmax, r.msgmnb = i.msgmnb, r.msgmni = i.msgmni;
    r.msgssz = i.msgssz, r.msgtql = i.msgtql, r.msgseg = i.msgseg;
    return r;
}

}  // namespace

LayerTwin::LayerTwin(dipc_test::DipcCluster& cluster, const LayerSetup& setup) : cluster_(cluster), setup_(setup) {
    const proto::Limits& l = setup.limits;
    auto p = cluster_.run_on_host(setup.calling_host,
                                  {setup.agent, "sysctls", std::to_string(l.semmsl), std::to_string(l.semmns),
                                   std::to_string(l.semopm), std::to_string(l.semmni), std::to_string(l.msgmax),
                                   std::to_string(l.msgmnb), std::to_string(l.msgmni)},
                                  {"LD_PRELOAD="});
    auto r = p.wait(30);
    if (r.exit_code != 0) throw std::runtime_error("cannot set the calling host's IPC sysctls: " + r.err);
    listener_ = std::make_unique<AgentListener>(cluster_.dir() + "/layerdiff.sock");
}

LayerTwin::~LayerTwin() = default;

std::unique_ptr<RemoteActor> LayerTwin::spawn(Role role, int party) {
    const Party& P = parties_[party];
    int host = role == Role::creator ? setup_.owner_host : setup_.calling_host;
    auto actor = start_agent(cluster_, *listener_, setup_.agent, host, role, party, P.generation, P.cred);
    std::string name = "P" + std::to_string(party) + "g" + std::to_string(P.generation);
    (role == Role::kernel ? kernel_pids_ : dipc_pids_)[actor->pid()] = name;
    return actor;
}

void LayerTwin::start_actors(int p) {
    parties_[p].kernel = spawn(Role::kernel, p);
    parties_[p].dipc = spawn(Role::dipc, p);
}

int LayerTwin::add_party(const Cred& cred) {
    if (parties_.empty() && cred.euid != 0) throw std::invalid_argument("party 0 must be root");
    parties_.emplace_back();
    parties_.back().cred = cred;
    int p = static_cast<int>(parties_.size()) - 1;
    start_actors(p);
    parties_[p].creator = spawn(Role::creator, p);
    return p;
}

std::vector<int> LayerTwin::live_handles(Kind kind) const {
    std::vector<int> v;
    for (std::size_t i = 0; i < handles_.size(); ++i)
        if (handles_[i].live && handles_[i].kind == kind) v.push_back(static_cast<int>(i));
    return v;
}

Target LayerTwin::target(int handle, bool by_index) const {
    Target t;
    t.handle = handle;
    t.by_index = by_index;
    return t;
}

void LayerTwin::fail(const std::string& what) {
    if (fail_first(what)) add_actor_stderr(parties_, static_cast<int>(Role::dipc));
}

std::string LayerTwin::outcome_summary() const {
    std::ostringstream o;
    o << TwinLedger::outcome_summary();
    for (const auto& [what, n] : known_gaps_) o << "  known gap: " << what << ": " << n << "\n";
    return o.str();
}

std::string LayerTwin::describe(int p, const KRequest& q, const Target& t) const {
    std::ostringstream o;
    const Party& P = parties_[p];
    o << "P" << p << "g" << P.generation << "(uid " << P.cred.euid << " gid " << P.cred.egid << ") ";
    std::string target = t.handle >= 0 ? "H" + std::to_string(t.handle) + (t.by_index ? " by index" : "")
                                       : "id " + std::to_string(t.kid) + "/" + std::to_string(t.eid);
    switch (q.call) {
        case KCall::semget: o << "semget key " << q.key << " nsems " << q.nsems << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::msgget: o << "msgget key " << q.key << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::semop:
            o << call_name(q) << " " << target << " [";
            for (int i = 0; i < q.nsops && i < enginetest::kMaxSopsT; ++i)
                o << (i ? ", " : "") << q.sops[i].sem_num << ":" << q.sops[i].sem_op
                  << ((q.sops[i].sem_flg & IPC_NOWAIT) ? " nowait" : "") << ((q.sops[i].sem_flg & SEM_UNDO) ? " undo" : "");
            o << "] nsops " << q.nsops << " timeout " << q.timeout_ns << (q.fault_timeout ? " (bad timespec pointer)" : "");
            break;
        case KCall::semctl:
            o << "semctl " << target << " semnum " << q.semnum << " cmd " << q.cmd << " val " << q.val
              << " set uid " << q.uid << " gid " << q.gid << " mode 0" << std::oct << q.mode << std::dec;
            if (q.cmd == SETALL) {
                o << " values";
                for (int i = 0; i < 8; ++i) o << " " << q.values[i];
            }
            break;
        case KCall::msgsnd: o << "msgsnd " << target << " type " << q.mtype << " size " << q.ntext << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::msgrcv: o << "msgrcv " << target << " bufsz " << q.bufsz << " msgtyp " << q.msgtyp << " flags 0" << std::oct << q.flags << std::dec; break;
        case KCall::msgctl:
            o << "msgctl " << target << " cmd " << q.cmd << " set uid " << q.uid << " gid " << q.gid << " mode 0"
              << std::oct << q.mode << std::dec << " qbytes " << q.qbytes;
            break;
        default: o << call_name(q); break;
    }
    if (q.fault != enginetest::Fault::none) o << " (bad pointer, kind " << static_cast<int>(q.fault) << ")";
    return o.str();
}

// ---- the calls -----------------------------------------------------------------

KRequest LayerTwin::for_kernel(const Target& t, const KRequest& req) const {
    KRequest q = req;
    if (t.handle >= 0) {
        const Handle& h = handles_[t.handle];
        q.id = t.by_index ? proto::index_of(h.kid) : h.kid;
    } else if (!is_get(req)) {
        q.id = t.kid;
    }
    return q;
}

KRequest LayerTwin::for_dipc(const Target& t, const KRequest& req) const {
    KRequest q = req;
    if (t.handle >= 0) {
        const Handle& h = handles_[t.handle];
        q.id = t.by_index ? proto::index_of(h.eid) : h.eid;
    } else if (!is_get(req)) {
        q.id = t.eid;
    }
    if (is_get(req)) q.flags |= proto::kIpcDipc;
    return q;
}

// A get that may create goes to the owner host, so that host owns the
// structure; a get of an existing key is made on the calling host (the
// owner makes the kernel's checks for a remote caller).
bool LayerTwin::creates_at_owner(const KRequest& req) const {
    if (req.key == IPC_PRIVATE) return true;
    if (!(req.flags & IPC_CREAT)) return false;
    Kind kind = req.call == KCall::semget ? Kind::sem : Kind::msg;
    return std::none_of(handles_.begin(), handles_.end(),
                        [&](const Handle& h) { return h.live && h.kind == kind && h.key == req.key; });
}

// Party 0 makes the probes and full checks, and one more party stays idle
// to act on the others' calls in flight. And one message call in flight per
// queue at most: when one event wakes two of them (a msgrcv makes room for
// two senders, IPC_SET wakes every sender and receiver), the kernel lets
// them race for the queue and the scheduler decides, where the owner takes
// them in order: the reference itself would not be deterministic.
bool LayerTwin::may_keep(int p, const KRequest& req, const Target& t) const {
    if (p == 0) return false;
    int idle = 0;
    for (int q = 0; q < parties(); ++q) {
        const Party& Q = parties_[q];
        if (q != p && !Q.pending) ++idle;
        if (q != p && Q.pending && (req.call == KCall::msgsnd || req.call == KCall::msgrcv) &&
            (Q.req.call == KCall::msgsnd || Q.req.call == KCall::msgrcv) && Q.target.handle == t.handle)
            return false;
    }
    return idle >= 2;
}

void LayerTwin::call(int p, const Target& t, KRequest req, Resolve resolve) {
    if (!ok()) return;
    Party& P = parties_[p];
    if (P.pending) return fail("test bug: P" + std::to_string(p) + " already has a call in flight");
    if (resolve == Resolve::keep && !may_keep(p, req, t)) resolve = Resolve::interrupt;
    const KRequest kq = for_kernel(t, req), dq = for_dipc(t, req);
    const bool at_owner = is_get(req) && creates_at_owner(req);
    RemoteActor& K = *P.kernel;
    RemoteActor& D = at_owner ? *P.creator : *P.dipc;
    const std::string what = describe(p, req, t) + (at_owner ? " [DIPC side on the owner host]" : "");
    log(what);
    ++calls_;
    if (!at_owner) route_before_first_call(p, t);
    KResult k, d;
    K.send(kq);
    if (!K.wait_kernel_blocked(setup_.wait_ms)) return fail(what + ": the kernel actor neither answered nor blocked");
    if (K.result_ready()) {
        K.receive(k, setup_.wait_ms);
        D.send(dq);
        if (!D.receive(d, setup_.wait_ms)) {
            fail(what + ": the kernel answered (ret " + std::to_string(k.ret) + " " + errname(k.err) +
                 ") but the DIPC call did not within " + std::to_string(setup_.wait_ms) + " ms");
            D.interrupt();
            D.receive(d, setup_.wait_ms);
            return;
        }
        compare(p, t, req, k, d);
        return settle(p);
    }
    // The kernel's call sleeps: in a semtimedop timeout, or blocked.
    D.send(dq);
    if (resolve == Resolve::expire) {
        if (!K.receive(k, setup_.wait_ms)) return fail(what + ": the kernel's semtimedop did not time out");
        if (!D.receive(d, setup_.wait_ms)) return fail(what + ": the DIPC semtimedop did not time out");
        ++outcomes_[std::string(call_name(req)) + " slept, then " + errname(k.err)];
        compare(p, t, req, k, d);
        return settle(p);
    }
    if (!D.wait_dipc_waiting(setup_.wait_ms)) return fail(what + ": the DIPC actor neither answered nor waits for the owner");
    if (D.result_ready()) {
        D.receive(d, setup_.wait_ms);
        fail(what + ": the kernel blocks but the DIPC call answered ret " + std::to_string(d.ret) + " " + errname(d.err));
        K.interrupt();
        K.receive(k, setup_.wait_ms);
        return;
    }
    P.pending = true;
    P.req = req;
    P.target = t;
    if (resolve == Resolve::interrupt) return interrupt(p);
    confirm_queued(p);
    settle(p);
}

// The interposer routes a call on a remote id with requests of its own
// first (whereis to the local daemon, once per id; link_open, once per
// owner host and thread), and a signal while it waits for those is not a
// signal to the call (LayerDiffBugs.ASignalWhileTheCallIsRoutedInterruptsIt
// fails on it). So before a DIPC actor's first call on a structure, one
// uncompared IPC_STAT (it changes nothing) routes it; after that the only
// wait in poll(2) is the call's own, for the owner's reply.
void LayerTwin::route_before_first_call(int p, const Target& t) {
    Party& P = parties_[p];
    if (t.handle < 0 || !handles_[t.handle].live) return;
    if (!P.routed.insert(t.handle).second) return;
    const Handle& h = handles_[t.handle];
    KRequest q;
    q.call = h.kind == Kind::sem ? KCall::semctl : KCall::msgctl;
    q.cmd = IPC_STAT;
    q.id = h.eid;
    P.dipc->probe(q, setup_.wait_ms);
}

// A kept call must be waiting at the owner before anything else happens.
// A semop shows in GETNCNT/GETZCNT there. A message call has no such
// count: its request was sent (the actor waits for the reply), and a socket
// on this machine (loopback, veth) has delivered it to the owner's socket
// before the send returned, so the owner reads it before any later call's.
void LayerTwin::confirm_queued(int p) {
    Party& P = parties_[p];
    if (P.req.call != KCall::semop || P.target.handle < 0) return;
    const Handle& h = handles_[P.target.handle];
    std::set<int> nums;
    for (int i = 0; i < P.req.nsops; ++i)
        if (P.req.sops[i].sem_num < h.nsems) nums.insert(P.req.sops[i].sem_num);
    auto counts = [&](RemoteActor& a, int id) {
        std::vector<long> v;
        for (int n : nums)
            for (int cmd : {GETNCNT, GETZCNT}) {
                KResult r = a.probe(semctl_probe(id, n, cmd), setup_.wait_ms);
                v.push_back(r.err ? -r.err : r.ret);
            }
        return v;
    };
    const std::vector<long> want = counts(*parties_[0].kernel, h.kid);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(setup_.wait_ms);
    while (counts(*parties_[0].dipc, h.eid) != want) {
        if (P.dipc->result_ready()) {
            KResult d;
            P.dipc->receive(d, setup_.wait_ms);
            P.pending = false;
            return fail(describe(p, P.req, P.target) + ": the kernel blocks but the DIPC call answered ret " +
                        std::to_string(d.ret) + " " + errname(d.err));
        }
        if (std::chrono::steady_clock::now() > until)
            return fail(describe(p, P.req, P.target) + ": blocked on the kernel, but GETNCNT/GETZCNT at the owner "
                                                         "never showed it waiting");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void LayerTwin::interrupt(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    log("  P" + std::to_string(p) + " interrupted");
    KResult k, d;
    P.kernel->interrupt();
    if (!P.kernel->receive(k, setup_.wait_ms)) return fail("P" + std::to_string(p) + ": the kernel call did not end on a signal");
    P.dipc->interrupt();
    if (!P.dipc->receive(d, kSignalLostMs)) {
        // A bug (LayerDiffBugs.ASignalWhileTheWaitReadsAHeartbeatInterruptsTheCall
        // fails on it): a signal that comes while the wait reads a
        // heartbeat is lost. Counted, and a second signal sent, so that the
        // sequence goes on.
        P.dipc->interrupt();
        if (!P.dipc->receive(d, setup_.wait_ms)) return fail("P" + std::to_string(p) + ": the DIPC call did not end on a signal");
        ++known_gaps_["BUG: a signal lost while the wait read a heartbeat (a second one ended the call)"];
    }
    finish_pending(p, k, d);
    settle(p);
}

void LayerTwin::finish_pending(int p, const KResult& k, const KResult& d) {
    Party& P = parties_[p];
    P.pending = false;
    ++outcomes_[std::string(call_name(P.req)) + " blocked, then " + errname(k.err)];
    compare(p, P.target, P.req, k, d);
}

// After a step: a call in flight the kernel completed must complete through
// DIPC too (the owner's reply may still be on its way: wait for it); one the
// kernel keeps waiting must not have answered.
void LayerTwin::settle(int except) {
    for (int q = 0; q < parties() && ok(); ++q) {
        Party& Q = parties_[q];
        if (q == except || !Q.pending) continue;
        if (!Q.kernel->wait_kernel_blocked(setup_.wait_ms))
            return fail(describe(q, Q.req, Q.target) + ": kernel actor neither asleep in its call nor answering");
        KResult k, d;
        if (Q.kernel->result_ready()) {
            Q.kernel->receive(k, setup_.wait_ms);
            if (!Q.dipc->receive(d, setup_.wait_ms))
                return fail(describe(q, Q.req, Q.target) + ": the kernel completed it (ret " + std::to_string(k.ret) +
                            " " + errname(k.err) + ") but the DIPC call still waits");
            log("  ...P" + std::to_string(q) + " completes");
            finish_pending(q, k, d);
        } else if (Q.dipc->result_ready()) {
            Q.dipc->receive(d, setup_.wait_ms);
            Q.pending = false;
            return fail(describe(q, Q.req, Q.target) + ": the DIPC call completed (ret " + std::to_string(d.ret) + " " +
                        errname(d.err) + ") while the kernel's still waits");
        }
    }
}

int LayerTwin::get(int p, Kind kind, int key, int nsems, int flags) {
    last_handle_ = -1;
    KRequest q;
    q.call = kind == Kind::sem ? KCall::semget : KCall::msgget;
    q.key = key;
    q.nsems = nsems;
    q.flags = flags;
    call(p, Target{}, q);
    return last_handle_;
}

void LayerTwin::kill_party(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    int waited_on = P.pending && P.req.call == KCall::semop ? P.target.handle : -1;
    log("P" + std::to_string(p) + "g" + std::to_string(P.generation) + " is killed" +
        (P.pending ? " (a call in flight)" : ""));
    P.kernel->kill_now();
    P.dipc->kill_now();
    P.pending = false;
    ++outcomes_[std::string("killed") + (waited_on >= 0 ? " while blocked in semop" : "")];
    ++P.generation;
    P.routed.clear();
    start_actors(p);
    converge(p, waited_on);
    settle(-1);
}

// The dead DIPC actor's undo is applied by the owner when the calling
// host's daemon sees the exit; the kernel's was applied at once. Wait until
// every set's values at the owner are the kernel's (and the counts of the
// set the dead process waited on), then compare as usual.
void LayerTwin::converge(int killed, int waited_on) {
    RemoteActor& K = *parties_[0].kernel;
    RemoteActor& D = *parties_[0].dipc;
    auto snapshot = [&](RemoteActor& a, const Handle& h, int id, bool counts) {
        std::vector<long> v;
        KResult r = a.probe(semctl_probe(id, 0, GETALL), setup_.wait_ms);
        v.push_back(r.err);
        v.insert(v.end(), r.values, r.values + h.nsems);
        for (int n = 0; counts && n < h.nsems; ++n)
            for (int cmd : {GETNCNT, GETZCNT}) v.push_back(a.probe(semctl_probe(id, n, cmd), setup_.wait_ms).ret);
        return v;
    };
    for (int h : live_handles(Kind::sem)) {
        const Handle& H = handles_[h];
        const std::vector<long> want = snapshot(K, H, H.kid, h == waited_on);
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(setup_.wait_ms);
        std::vector<long> got;
        while ((got = snapshot(D, H, H.eid, h == waited_on)) != want) {
            if (std::chrono::steady_clock::now() > until) {
                std::ostringstream o;
                o << "after P" << killed << " was killed, H" << h
                  << " at the owner never reached the kernel's values/counts (kernel:";
                for (long x : want) o << " " << x;
                o << "; DIPC:";
                for (long x : got) o << " " << x;
                return fail(o.str() + ")");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
}

void LayerTwin::lose_host(std::uint32_t) { fail("test bug: the layer twin does not lose hosts"); }

void LayerTwin::check_handle(int h) {
    const Handle& H = handles_[h];
    if (!H.live) return;
    KRequest q;
    if (H.kind == Kind::sem) {
        q.call = KCall::semctl;
        for (int cmd : {IPC_STAT, GETALL}) {
            q.cmd = cmd;
            call(0, target(h), q);
        }
        for (int i = 0; i < H.nsems; ++i) {
            q.semnum = i;
            for (int cmd : {GETPID, GETNCNT, GETZCNT}) {
                q.cmd = cmd;
                call(0, target(h), q);
            }
        }
    } else {
        q.call = KCall::msgctl;
        q.cmd = IPC_STAT;
        call(0, target(h), q);
    }
}

void LayerTwin::check_all() {
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
}

void LayerTwin::remove_everything() {
    for (std::size_t h = 0; h < handles_.size(); ++h) {
        if (!handles_[h].live) continue;
        KRequest q;
        q.call = handles_[h].kind == Kind::sem ? KCall::semctl : KCall::msgctl;
        q.cmd = IPC_RMID;
        call(0, target(static_cast<int>(h)), q);
    }
    for (int p = 0; p < parties() && ok(); ++p)
        if (parties_[p].pending) fail("P" + std::to_string(p) + " still waits after every structure was removed");
}

// ---- comparison -------------------------------------------------------------------

void LayerTwin::compare(int p, const Target& t, const KRequest& q, const KResult& k, const KResult& d) {
    std::ostringstream o;
    if (k.err != d.err) {
        // Documented (libpapers/dipc/README.md): SETALL checks the array
        // before the owner's permission check.
        if (q.call == KCall::semctl && q.cmd == SETALL && q.fault != enginetest::Fault::none && k.err == EACCES &&
            d.err == EFAULT)
            ++known_gaps_["SETALL without write permission and with a bad array: EFAULT (the kernel: EACCES)"];
        else
            o << " errno kernel " << errname(k.err) << " DIPC " << errname(d.err) << " (ret " << k.ret << "/" << d.ret << ")";
    } else if (k.err) {
        if (k.ret != -1 || d.ret != -1) o << " ret kernel " << k.ret << " DIPC " << d.ret;
    } else if (is_get(q)) {
        Kind kind = q.call == KCall::semget ? Kind::sem : Kind::msg;
        auto same = std::find_if(handles_.begin(), handles_.end(),
                                 [&](const Handle& h) { return h.live && h.kind == kind && h.kid == k.ret; });
        if (same != handles_.end()) {
            last_handle_ = static_cast<int>(same - handles_.begin());
            if (same->eid != d.ret) o << " the kernel names H" << last_handle_ << ", the DIPC id " << d.ret << " does not";
        } else if (std::any_of(handles_.begin(), handles_.end(),
                               [&](const Handle& h) { return h.live && h.kind == kind && h.eid == d.ret; })) {
            o << " the kernel created a structure, DIPC answered an existing one (" << d.ret << ")";
        } else if (!proto::is_dipc_id(static_cast<std::int32_t>(d.ret))) {
            o << " DIPC answered id " << d.ret << ", not a DIPC id";
        } else {
            Handle h;
            h.kind = kind;
            h.kid = static_cast<int>(k.ret);
            h.eid = static_cast<std::int32_t>(d.ret);
            h.nsems = q.nsems;
            h.key = q.key;
            handles_.push_back(h);
            last_handle_ = static_cast<int>(handles_.size()) - 1;
            log("  -> H" + std::to_string(last_handle_));
        }
    } else if (is_info(q)) {
        Kind kind = q.call == KCall::semctl ? Kind::sem : Kind::msg;
        if (kind == Kind::sem)
            o << enginetest::seminfo_diff(k.sem_info, sem_info_rec(d.sem_info));
        else
            o << enginetest::msginfo_diff(k.msg_info, msg_info_rec(d.msg_info));
        // The highest index in use: the kernel's among its structures; the
        // layer's (32000 + slot) above it, so ipcs-style loops see both.
        long kernel_top = 0, dipc_top = 0;
        for (int h : live_handles(kind)) {
            kernel_top = std::max<long>(kernel_top, proto::index_of(handles_[h].kid));
            dipc_top = std::max<long>(dipc_top, proto::index_of(handles_[h].eid));
        }
        if (k.ret != kernel_top) o << " (test) the kernel's highest index " << k.ret << ", its structures' " << kernel_top;
        if (d.ret != std::max(k.ret, dipc_top)) o << " ret DIPC " << d.ret << ", want " << std::max(k.ret, dipc_top);
    } else {
        bool stat = false;
        // (GETALL and MSG_STAT_ANY are both 13: the call decides.)
        if (q.call == KCall::semctl) stat = q.cmd == IPC_STAT || q.cmd == SEM_STAT || q.cmd == SEM_STAT_ANY;
        if (q.call == KCall::msgctl) stat = q.cmd == IPC_STAT || q.cmd == MSG_STAT || q.cmd == MSG_STAT_ANY;
        if (stat && q.cmd != IPC_STAT) {
            bool named = t.handle >= 0 && handles_[t.handle].kid == k.ret && handles_[t.handle].eid == d.ret;
            if (!named) o << " id kernel " << k.ret << " DIPC " << d.ret << " (target H" << t.handle << ")";
        } else if (q.call == KCall::semctl && q.cmd == GETPID) {
            if (pid_name(false, k.ret) != pid_name(true, d.ret))
                o << " sempid kernel " << pid_name(false, k.ret) << " DIPC " << pid_name(true, d.ret);
        } else if (k.ret != d.ret) {
            o << " ret kernel " << k.ret << " DIPC " << d.ret;
        }
        if (stat && q.call == KCall::semctl) {
            o << enginetest::sem_ds_diff(enginetest::kernel_sem_ds(k.sem_ds), enginetest::kernel_sem_ds(d.sem_ds));
        } else if (stat) {
            proto::MsgDsRec km = enginetest::kernel_msg_ds(k.msg_ds), dm = enginetest::kernel_msg_ds(d.msg_ds);
            for (auto [field, kp, dp] : {std::tuple{"lspid", &km.lspid, &dm.lspid}, {"lrpid", &km.lrpid, &dm.lrpid}}) {
                if (pid_name(false, *kp) != pid_name(true, *dp))
                    o << " " << field << " kernel " << pid_name(false, *kp) << " DIPC " << pid_name(true, *dp);
                *dp = *kp;
            }
            o << enginetest::msg_ds_diff(km, dm);
        } else if (q.call == KCall::semctl && q.cmd == GETALL) {
            int n = t.handle >= 0 ? handles_[t.handle].nsems : 0;
            for (int i = 0; i < n; ++i)
                if (k.values[i] != d.values[i]) o << " sem" << i << " " << k.values[i] << "/" << d.values[i];
        } else if (q.call == KCall::msgrcv) {
            if (k.mtype != d.mtype) o << " mtype " << k.mtype << "/" << d.mtype;
            if (k.ret > 0 && std::memcmp(k.text, d.text, static_cast<std::size_t>(k.ret)) != 0) o << " text differs";
        }
        if (o.str().empty() && q.cmd == IPC_RMID && (q.call == KCall::semctl || q.call == KCall::msgctl) &&
            t.handle >= 0) {
            handles_[t.handle].live = false;
            log("  -> H" + std::to_string(t.handle) + " removed");
        }
    }
    std::string diff = o.str();
    if (!diff.empty()) fail(describe(p, q, t) + ":\n  kernel/DIPC:" + diff);
    std::string what = call_name(q);
    if (q.call == KCall::semctl || q.call == KCall::msgctl) what += " cmd " + std::to_string(q.cmd);
    if (q.call == KCall::msgrcv && (q.flags & MSG_COPY)) what += " MSG_COPY";
    if (q.fault != enginetest::Fault::none || q.fault_timeout) what += " (bad pointer)";
    ++outcomes_[what + " " + errname(k.err)];
}

}  // namespace papers::dipc::layerdiff
