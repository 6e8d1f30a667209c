#include "layerdiff_shm_twin.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "engine_actor.hpp"
#include "engine_compare.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::layerdiff {

namespace {

using enginetest::errname;
using enginetest::Handle;
using enginetest::KCall;
using enginetest::KRequest;
using enginetest::KResult;
using enginetest::Target;


const char* call_name(KCall c) {
    switch (c) {
        case KCall::shmget: return "shmget";
        case KCall::shmat: return "shmat";
        case KCall::shmdt: return "shmdt";
        case KCall::shmctl: return "shmctl";
        case KCall::fork: return "fork";
        case KCall::shmwrite: return "store";
        case KCall::shmread: return "load";
        case KCall::exec: return "exec";
        default: return "?";
    }
}

const char* cmd_name(int cmd) {
    switch (cmd) {
        case IPC_STAT: return "IPC_STAT";
        case IPC_SET: return "IPC_SET";
        case IPC_RMID: return "IPC_RMID";
        case IPC_INFO: return "IPC_INFO";
        case SHM_INFO: return "SHM_INFO";
        case SHM_STAT: return "SHM_STAT";
        case SHM_STAT_ANY: return "SHM_STAT_ANY";
        case SHM_LOCK: return "SHM_LOCK";
        case SHM_UNLOCK: return "SHM_UNLOCK";
        default: return "bad cmd";
    }
}

bool is_stat(const KRequest& q) {
    return q.call == KCall::shmctl && (q.cmd == IPC_STAT || q.cmd == SHM_STAT || q.cmd == SHM_STAT_ANY);
}

KRequest stat_probe(int id) {
    KRequest q;
    q.call = KCall::shmctl;
    q.cmd = IPC_STAT;
    q.id = id;
    return q;
}

}  // namespace

ShmTwin::ShmTwin(dipc_test::DipcCluster& cluster, const ShmSetup& setup) : cluster_(cluster), setup_(setup) {
    const proto::Limits& l = setup.limits;
    auto p = cluster_.run_on_host(setup.calling_host,
                                  {setup.agent, "sysctls", std::to_string(l.semmsl), std::to_string(l.semmns),
                                   std::to_string(l.semopm), std::to_string(l.semmni), std::to_string(l.msgmax),
                                   std::to_string(l.msgmnb), std::to_string(l.msgmni), std::to_string(l.shmmax),
                                   std::to_string(l.shmall), std::to_string(l.shmmni)},
                                  {"LD_PRELOAD="});
    auto r = p.wait(30);
    if (r.exit_code != 0) throw std::runtime_error("cannot set the calling host's IPC sysctls: " + r.err);
    listener_ = std::make_unique<AgentListener>(cluster_.dir() + "/layerdiff_shm.sock");
}

ShmTwin::~ShmTwin() = default;

std::unique_ptr<RemoteActor> ShmTwin::spawn(Role role, int party) {
    const Party& P = parties_[party];
    int host = role == Role::creator ? setup_.owner_host : role == Role::dipc ? P.dipc_host : setup_.calling_host;
    auto actor = start_agent(cluster_, *listener_, setup_.agent, host, role, party, P.generation, P.cred);
    // A creator outlives its party's killed generations: named by the party.
    (role == Role::kernel ? kernel_pids_ : dipc_pids_)[actor->pid()] =
        "P" + std::to_string(party) + (role == Role::creator ? "" : "g" + std::to_string(P.generation));
    return actor;
}

int ShmTwin::add_party(const enginetest::Cred& cred, int dipc_host) {
    if (parties_.empty() && cred.euid != 0) throw std::invalid_argument("party 0 must be root");
    parties_.emplace_back();
    parties_.back().cred = cred;
    parties_.back().dipc_host = dipc_host < 0 ? setup_.calling_host : dipc_host;
    int p = parties() - 1;
    parties_[p].kernel = spawn(Role::kernel, p);
    parties_[p].dipc = spawn(Role::dipc, p);
    parties_[p].creator = spawn(Role::creator, p);
    return p;
}

std::vector<int> ShmTwin::live_handles() const {
    std::vector<int> v;
    for (std::size_t i = 0; i < handles_.size(); ++i)
        if (handles_[i].live) v.push_back(static_cast<int>(i));
    return v;
}

Target ShmTwin::target(int handle, bool by_index) const {
    Target t;
    t.handle = handle;
    t.by_index = by_index;
    return t;
}

void ShmTwin::fail(const std::string& what) {
    if (fail_first(what)) add_actor_stderr(parties_, static_cast<int>(Role::dipc));
}

std::string ShmTwin::describe(int p, const KRequest& q, const Target& t) const {
    std::ostringstream o;
    const Party& P = parties_[p];
    o << "P" << p << "g" << P.generation << "(uid " << P.cred.euid << " gid " << P.cred.egid
      << (P.dipc_host != setup_.calling_host ? ", DIPC on host " + std::to_string(P.dipc_host) : "") << ") "
      << call_name(q.call);
    std::string target = t.handle >= 0 ? "H" + std::to_string(t.handle) + (t.by_index ? " by index" : "")
                                       : "id " + std::to_string(t.kid) + "/" + std::to_string(t.eid);
    switch (q.call) {
        case KCall::shmget:
            o << " key " << q.key << " size " << q.size << " flags 0" << std::oct << q.flags << std::dec;
            break;
        case KCall::shmat:
            o << " " << target << " flags 0" << std::oct << q.flags << std::dec << " at ";
            if (q.shm_addr < 0) o << "NULL";
            else o << "region+0x" << std::hex << q.shm_addr << std::dec;
            break;
        case KCall::shmdt:
            if (q.shm_addr == -1) o << " slot " << q.slot << " (" << target << ")";
            else if (q.shm_addr == -2) o << " NULL";
            else o << " region+0x" << std::hex << q.shm_addr << std::dec;
            break;
        case KCall::shmctl:
            o << " " << target << " " << cmd_name(q.cmd) << " (" << q.cmd << ")";
            if (q.cmd == IPC_SET)
                o << " uid " << q.uid << " gid " << q.gid << " mode 0" << std::oct << q.mode << std::dec;
            if (q.fault != enginetest::Fault::none) o << " (NULL buffer)";
            break;
        case KCall::shmwrite:
        case KCall::shmread:
            o << " slot " << q.slot << " (" << target << ") offset " << q.offset << " bytes "
              << (q.call == KCall::shmwrite ? static_cast<unsigned long>(q.ntext) : q.bufsz);
            break;
        case KCall::fork:
        case KCall::exec: o << " (" << P.attached.size() << " attachments)"; break;
        default: break;
    }
    return o.str();
}

// ---- the calls -------------------------------------------------------------------

bool ShmTwin::creates_at_owner(const KRequest& req) const {
    if (req.key == IPC_PRIVATE) return true;
    if (!(req.flags & IPC_CREAT)) return false;
    return std::none_of(handles_.begin(), handles_.end(),
                        [&](const Handle& h) { return h.live && !h.marked && h.key == req.key; });
}

void ShmTwin::call(int p, const Target& t, KRequest req) {
    if (!ok()) return;
    Party& P = parties_[p];
    KRequest kq = req, dq = req;
    if (t.handle >= 0) {
        const Handle& h = handles_[t.handle];
        kq.id = t.by_index ? proto::index_of(h.kid) : h.kid;
        dq.id = t.by_index ? proto::index_of(h.eid) : h.eid;
    } else if (req.call != KCall::shmget) {
        kq.id = t.kid;
        dq.id = t.eid;
    }
    const bool at_owner = req.call == KCall::shmget && creates_at_owner(req);
    if (req.call == KCall::shmget) dq.flags = (req.flags & ~proto::kIpcDipc) | proto::kIpcDipc;
    RemoteActor& K = *P.kernel;
    RemoteActor& D = at_owner ? *P.creator : *P.dipc;
    const std::string what = describe(p, req, t) + (at_owner ? " [DIPC side on the owner host]" : "");
    log(what);
    ++calls_;
    auto start = std::chrono::steady_clock::now();
    KResult k, d;
    K.send(kq);
    if (!K.receive(k, setup_.wait_ms)) return fail(what + ": the kernel actor did not answer");
    D.send(dq);
    if (!D.receive(d, setup_.wait_ms)) return fail(what + ": the DIPC actor did not answer");
    slowest_call_s_ =
        std::max(slowest_call_s_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    compare(p, t, req, k, d);
}

int ShmTwin::shmget(int p, int key, unsigned long size, int flags, int kernel_only_flags) {
    last_handle_ = -1;
    KRequest q;
    q.call = KCall::shmget;
    q.key = key;
    q.size = size;
    q.flags = flags | kernel_only_flags;
    call(p, Target{}, q);
    return last_handle_;
}

void ShmTwin::shmat(int p, const Target& t, int flags, long long addr) {
    KRequest q;
    q.call = KCall::shmat;
    q.flags = flags;
    q.shm_addr = addr;
    call(p, t, q);
}

void ShmTwin::shmdt(int p, int which) {
    const Attachment a = parties_[p].attached.at(static_cast<std::size_t>(which));
    KRequest q;
    q.call = KCall::shmdt;
    q.slot = a.slot;
    q.shm_addr = -1;
    call(p, target(a.handle), q);
}

void ShmTwin::shmdt_address(int p, long long addr) {
    KRequest q;
    q.call = KCall::shmdt;
    q.slot = -1;
    q.shm_addr = addr;
    call(p, Target{}, q);
}

void ShmTwin::shmctl(int p, const Target& t, KRequest q) {
    q.call = KCall::shmctl;
    call(p, t, q);
}

void ShmTwin::store(int p, int which, unsigned long offset, const std::vector<unsigned char>& bytes) {
    const Attachment a = parties_[p].attached.at(static_cast<std::size_t>(which));
    KRequest q;
    q.call = KCall::shmwrite;
    q.slot = a.slot;
    q.offset = offset;
    q.ntext = static_cast<int>(std::min<std::size_t>(bytes.size(), enginetest::kMaxTextT));
    std::memcpy(q.text, bytes.data(), static_cast<std::size_t>(q.ntext));
    call(p, target(a.handle), q);
}

void ShmTwin::load(int p, int which, unsigned long offset, unsigned long n) {
    const Attachment a = parties_[p].attached.at(static_cast<std::size_t>(which));
    KRequest q;
    q.call = KCall::shmread;
    q.slot = a.slot;
    q.offset = offset;
    q.bufsz = std::min<unsigned long>(n, enginetest::kMaxTextT);
    call(p, target(a.handle), q);
}

void ShmTwin::fork_party(int p) {
    if (has_child(p)) return fail("test bug: P" + std::to_string(p) + " already has a child");
    KRequest q;
    q.call = KCall::fork;
    call(p, Target{}, q);
}

void ShmTwin::end_child(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    if (P.child_k <= 0) return;
    log("P" + std::to_string(p) + "'s child exits");
    if (!enginetest::Actor::end_child(P.child_k) || !enginetest::Actor::end_child(P.child_d))
        return fail("P" + std::to_string(p) + ": its child did not exit");
    ++outcomes_["child exit with " + std::to_string(std::min<std::size_t>(P.child_handles.size(), 2)) +
                (P.child_handles.size() >= 2 ? "+" : "") + " attachments"];
    P.child_k = P.child_d = -1;
    std::vector<int> held = std::move(P.child_handles);
    P.child_handles.clear();
    converge("the child of P" + std::to_string(p) + " exited");
    after_detaches(held);
}

void ShmTwin::kill_party(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    log("P" + std::to_string(p) + "g" + std::to_string(P.generation) + " is killed with " +
        std::to_string(P.attached.size()) + " attachments");
    std::vector<int> held;
    for (const Attachment& a : P.attached) held.push_back(a.handle);
    if (P.child_k > 0) {
        if (!enginetest::Actor::end_child(P.child_k) || !enginetest::Actor::end_child(P.child_d))
            return fail("P" + std::to_string(p) + ": its child did not exit");
        held.insert(held.end(), P.child_handles.begin(), P.child_handles.end());
        P.child_k = P.child_d = -1;
        P.child_handles.clear();
    }
    P.kernel->kill_now();
    P.dipc->kill_now();
    P.attached.clear();
    ++outcomes_[std::string("killed with ") + (held.empty() ? "no" : "some") + " attachments"];
    ++P.generation;
    P.kernel = spawn(Role::kernel, p);
    P.dipc = spawn(Role::dipc, p);
    converge("P" + std::to_string(p) + " was killed");
    after_detaches(held);
}

void ShmTwin::exec_party(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    std::vector<int> held;
    for (const Attachment& a : P.attached) held.push_back(a.handle);
    KRequest q;
    q.call = KCall::exec;
    call(p, Target{}, q);
    if (!ok()) return;
    P.attached.clear();  // slots start again from 0 on both sides
    ++outcomes_[std::string("exec with ") + (held.empty() ? "no" : "some") + " attachments"];
    converge("P" + std::to_string(p) + " executed itself");
    after_detaches(held);
}

// The layer learns of a DIPC process's exit when the calling host's daemon
// sees it: wait until every segment at the owner has the kernel's nattch
// (or is gone as the kernel's is), and SHM_INFO counts what the kernel's does.
void ShmTwin::converge(const std::string& after) {
    if (!ok()) return;
    RemoteActor& K = *parties_[0].kernel;
    RemoteActor& D = *parties_[0].dipc;
    auto start = std::chrono::steady_clock::now();
    for (int h : live_handles()) {
        const Handle& H = handles_[h];
        KResult k = K.probe(stat_probe(H.kid), setup_.wait_ms);
        auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(setup_.wait_ms);
        for (;;) {
            KResult d = D.probe(stat_probe(H.eid), setup_.wait_ms);
            if (d.err == k.err && (k.err || d.shm_ds.shm_nattch == k.shm_ds.shm_nattch)) break;
            if (std::chrono::steady_clock::now() > until) {
                std::ostringstream o;
                o << "after " << after << ", H" << h << " at the owner never reached the kernel's state (kernel: "
                  << errname(k.err) << " nattch " << k.shm_ds.shm_nattch << "; DIPC: " << errname(d.err) << " nattch "
                  << d.shm_ds.shm_nattch << ")";
                return fail(o.str());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    // SHM_INFO counts the calling host's copy of the cluster's table, which
    // hears of a segment the exit destroyed from the referee, after the owner.
    KRequest info;
    info.call = KCall::shmctl;
    info.cmd = SHM_INFO;
    const KResult k = K.probe(info, setup_.wait_ms);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(setup_.wait_ms);
    for (;;) {
        KResult d = D.probe(info, setup_.wait_ms);
        if (d.shm_usage.used_ids == k.shm_usage.used_ids && d.shm_usage.shm_tot == k.shm_usage.shm_tot) break;
        if (std::chrono::steady_clock::now() > until)
            return fail("after " + after + ", SHM_INFO never counted the kernel's segments (used_ids " +
                        std::to_string(k.shm_usage.used_ids) + "/" + std::to_string(d.shm_usage.used_ids) + ")");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    slowest_call_s_ =
        std::max(slowest_call_s_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

// Detaches of these segments happened (a call, an exit): the ones marked
// for destruction may be gone now; root's IPC_STAT says (and is compared).
void ShmTwin::after_detaches(const std::vector<int>& hs) {
    std::vector<int> seen;
    for (int h : hs) {
        if (std::find(seen.begin(), seen.end(), h) != seen.end()) continue;
        seen.push_back(h);
        if (handles_[h].live && handles_[h].marked) check_handle(h);
    }
}

void ShmTwin::check_handle(int h) {
    KRequest q;
    q.call = KCall::shmctl;
    q.cmd = IPC_STAT;
    call(0, target(h), q);
}

void ShmTwin::check_all() {
    for (int h : live_handles()) check_handle(h);
    KRequest q;
    q.call = KCall::shmctl;
    for (int cmd : {IPC_INFO, SHM_INFO}) {
        q.cmd = cmd;
        call(0, Target{}, q);
    }
}

void ShmTwin::remove_everything() {
    for (int p = 0; p < parties() && ok(); ++p) {
        end_child(p);
        while (!parties_[p].attached.empty() && ok()) shmdt(p, 0);
    }
    for (int h : live_handles()) {
        KRequest q;
        q.call = KCall::shmctl;
        q.cmd = IPC_RMID;
        call(0, target(h), q);
    }
    for (int h : live_handles())
        if (ok()) fail("H" + std::to_string(h) + " outlived IPC_RMID with nothing attached");
}

// A shmat with SHM_REMAP at `where` unmapped the party's attachments in
// its range (the generator never lets it cut one in part): their segments.
std::vector<int> ShmTwin::drop_replaced(Party& P, long where, std::uint64_t size) {
    const long end = where + static_cast<long>((size + 4095) & ~std::uint64_t{4095});
    std::vector<int> hs;
    for (auto it = P.attached.begin(); it != P.attached.end();) {
        if (it->where >= where && it->where < end) {
            hs.push_back(it->handle);
            log("  -> replaces slot " + std::to_string(it->slot) + " (H" + std::to_string(it->handle) + ")");
            it = P.attached.erase(it);
        } else {
            ++it;
        }
    }
    return hs;
}

// ---- comparison -------------------------------------------------------------------

// Times: both unset, or both set within the slowest call's time (and a
// second): the kernel stamps a time when its call runs, the owner when the
// DIPC call reaches it, and at most that long apart.
std::string ShmTwin::ds_diff(const struct shmid_ds& k, const struct shmid_ds& d) const {
    std::ostringstream o;
    const std::int64_t slack = 1 + static_cast<std::int64_t>(std::ceil(slowest_call_s_));
    auto times = [&](const char* field, std::int64_t kt, std::int64_t dt) {
        if ((kt == 0) != (dt == 0) || kt - dt > slack || dt - kt > slack)
            o << " " << field << " " << kt << "/" << dt;
    };
    times("atime", k.shm_atime, d.shm_atime);
    times("dtime", k.shm_dtime, d.shm_dtime);
    times("ctime", k.shm_ctime, d.shm_ctime);
    // (The creator made the DIPC segment for the party's kernel actor.)
    const std::string kc = pid_name(false, k.shm_cpid), dc = pid_name(true, d.shm_cpid);
    if (kc != dc && kc.rfind(dc + "g", 0) != 0)
        o << " cpid " << pid_name(false, k.shm_cpid) << "/" << pid_name(true, d.shm_cpid);
    if (pid_name(false, k.shm_lpid) != pid_name(true, d.shm_lpid))
        o << " lpid " << pid_name(false, k.shm_lpid) << "/" << pid_name(true, d.shm_lpid);
    proto::ShmDsRec kr = enginetest::kernel_shm_ds(k), dr = enginetest::kernel_shm_ds(d);
    dr.atime = kr.atime, dr.dtime = kr.dtime, dr.ctime = kr.ctime, dr.cpid = kr.cpid, dr.lpid = kr.lpid;
    o << enginetest::shm_ds_diff(kr, dr, false);
    return o.str();
}

void ShmTwin::compare(int p, const Target& t, const KRequest& q, const KResult& k, const KResult& d) {
    Party& P = parties_[p];
    Handle* h = t.handle >= 0 ? &handles_[t.handle] : nullptr;
    std::ostringstream o;
    std::vector<int> replaced;  // SHM_REMAP: segments whose attachments it unmapped
    if (k.err != d.err) {
        o << " errno kernel " << errname(k.err) << " DIPC " << errname(d.err) << " (ret " << k.ret << "/" << d.ret << ")";
    } else if (k.err) {
        if (k.ret != -1 || d.ret != -1) o << " ret kernel " << k.ret << " DIPC " << d.ret;
        if (h && q.call == KCall::shmctl && q.cmd == IPC_STAT && k.err == EINVAL && h->live) {
            h->live = false;  // gone on both sides
            log("  -> H" + std::to_string(t.handle) + " is gone");
            ++outcomes_[h->marked ? "segment destroyed at its last detach" : "segment destroyed at IPC_RMID"];
        }
    } else {
        switch (q.call) {
            case KCall::shmget: {
                auto same = std::find_if(handles_.begin(), handles_.end(),
                                         [&](const Handle& x) { return x.live && x.kid == k.ret; });
                if (same != handles_.end()) {
                    last_handle_ = static_cast<int>(same - handles_.begin());
                    if (same->eid != d.ret) o << " the kernel names H" << last_handle_ << ", the DIPC id " << d.ret << " does not";
                } else if (std::any_of(handles_.begin(), handles_.end(),
                                       [&](const Handle& x) { return x.live && x.eid == d.ret; })) {
                    o << " the kernel created a segment, DIPC answered an existing one (" << d.ret << ")";
                } else if (!proto::is_dipc_id(static_cast<std::int32_t>(d.ret))) {
                    o << " DIPC answered id " << d.ret << ", not a DIPC id";
                } else {
                    Handle n;
                    n.kind = proto::Kind::shm;
                    n.kid = static_cast<int>(k.ret);
                    n.eid = static_cast<std::int32_t>(d.ret);
                    n.key = q.key;
                    n.size = q.size;
                    handles_.push_back(n);
                    last_handle_ = static_cast<int>(handles_.size()) - 1;
                    log("  -> H" + std::to_string(last_handle_));
                }
                break;
            }
            case KCall::shmat:
                if (k.ret != d.ret || k.shm_where != d.shm_where) {
                    o << " slot " << k.ret << "/" << d.ret << " at region+" << k.shm_where << "/" << d.shm_where;
                } else if (h) {
                    if ((q.flags & SHM_REMAP) && k.shm_where >= 0) replaced = drop_replaced(P, k.shm_where, h->size);
                    P.attached.push_back({t.handle, static_cast<int>(k.ret), (q.flags & SHM_RDONLY) != 0, k.shm_where});
                    log("  -> slot " + std::to_string(k.ret));
                }
                break;
            case KCall::shmdt: {
                if (k.ret != d.ret) o << " ret kernel " << k.ret << " DIPC " << d.ret;
                auto it = std::find_if(P.attached.begin(), P.attached.end(),
                                       [&](const Attachment& a) { return a.slot == q.slot; });
                if (q.shm_addr == -1 && it != P.attached.end()) P.attached.erase(it);
                break;
            }
            case KCall::fork:
                if (k.ret <= 0 || d.ret <= 0) {
                    o << " child pid " << k.ret << "/" << d.ret;
                } else {
                    P.child_k = static_cast<pid_t>(k.ret);
                    P.child_d = static_cast<pid_t>(d.ret);
                    std::string name = "P" + std::to_string(p) + "g" + std::to_string(P.generation) + "c" +
                                       std::to_string(P.children++);
                    kernel_pids_[P.child_k] = name;
                    dipc_pids_[P.child_d] = name;
                    P.child_handles.clear();
                    for (const Attachment& a : P.attached) P.child_handles.push_back(a.handle);
                }
                break;
            case KCall::shmwrite:
            case KCall::exec:
                if (k.ret != d.ret) o << " ret kernel " << k.ret << " DIPC " << d.ret;
                break;
            case KCall::shmread:
                if (k.ret != d.ret) {
                    o << " ret kernel " << k.ret << " DIPC " << d.ret;
                } else {
                    for (long i = 0; i < k.ret; ++i)
                        if (k.text[i] != d.text[i]) {
                            o << " byte " << q.offset + static_cast<unsigned long>(i) << " kernel "
                              << static_cast<int>(k.text[i]) << " DIPC " << static_cast<int>(d.text[i]);
                            break;
                        }
                }
                break;
            default:  // shmctl
                if (q.cmd == IPC_INFO || q.cmd == SHM_INFO) {
                    if (q.cmd == IPC_INFO) {
                        const enginetest::ShmLimits &a = k.shm_limits, &b = d.shm_limits;
                        if (a.shmmax != b.shmmax || a.shmmin != b.shmmin || a.shmmni != b.shmmni ||
                            a.shmseg != b.shmseg || a.shmall != b.shmall)
                            o << " shminfo kernel " << a.shmmax << " " << a.shmmin << " " << a.shmmni << " "
                              << a.shmseg << " " << a.shmall << " DIPC " << b.shmmax << " " << b.shmmin << " "
                              << b.shmmni << " " << b.shmseg << " " << b.shmall;
                    } else {
                        // shm_rss: the kernel counts resident pages, the layer every page.
                        const struct shm_info &a = k.shm_usage, &b = d.shm_usage;
                        if (a.used_ids != b.used_ids || a.shm_tot != b.shm_tot || a.shm_swp != b.shm_swp ||
                            a.swap_attempts != b.swap_attempts || a.swap_successes != b.swap_successes)
                            o << " shm_info used_ids " << a.used_ids << "/" << b.used_ids << " shm_tot " << a.shm_tot
                              << "/" << b.shm_tot << " swp " << a.shm_swp << "/" << b.shm_swp;
                    }
                    long kernel_top = 0, dipc_top = 0;
                    for (int x : live_handles()) {
                        kernel_top = std::max<long>(kernel_top, proto::index_of(handles_[x].kid));
                        dipc_top = std::max<long>(dipc_top, proto::index_of(handles_[x].eid));
                    }
                    if (k.ret != kernel_top) o << " (test) the kernel's highest index " << k.ret << ", its segments' " << kernel_top;
                    if (d.ret != std::max(k.ret, dipc_top)) o << " ret DIPC " << d.ret << ", want " << std::max(k.ret, dipc_top);
                    break;
                }
                if (is_stat(q) && q.cmd != IPC_STAT) {
                    if (!h || h->kid != k.ret || h->eid != d.ret) o << " id kernel " << k.ret << " DIPC " << d.ret;
                } else if (k.ret != d.ret) {
                    o << " ret kernel " << k.ret << " DIPC " << d.ret;
                }
                if (is_stat(q)) {
                    o << ds_diff(k.shm_ds, d.shm_ds);
                    if (h && o.str().empty()) h->marked = (k.shm_ds.shm_perm.mode & SHM_DEST) != 0;
                }
                break;
        }
    }
    std::string diff = o.str();
    if (!diff.empty()) return fail(describe(p, q, t) + ":\n  kernel/DIPC:" + diff);
    std::string what = call_name(q.call);
    if (q.call == KCall::shmctl) what += std::string(" ") + cmd_name(q.cmd);
    if (q.call == KCall::shmat && q.shm_addr >= 0) what += (q.flags & SHM_RND) ? " at an address, SHM_RND" : " at an address";
    if (q.call == KCall::shmat && (q.flags & SHM_REMAP))
        what += replaced.empty() ? " SHM_REMAP" : " SHM_REMAP over " + std::to_string(replaced.size()) + " attachment(s)";
    if (q.call == KCall::shmat && (q.flags & SHM_RDONLY)) what += " SHM_RDONLY";
    if (q.call == KCall::shmat && h && h->marked) what += " (marked segment)";
    if (q.call == KCall::shmdt && q.shm_addr != -1) what += " (no attachment there)";
    if (q.fault != enginetest::Fault::none) what += " (NULL buffer)";
    ++outcomes_[what + " " + errname(k.err)];
    // Gone now, or marked until its last detach: root's IPC_STAT says which.
    if (q.call == KCall::shmctl && q.cmd == IPC_RMID && !k.err && h && h->live) check_handle(t.handle);
    if (q.call == KCall::shmdt && !k.err && h) after_detaches({t.handle});
    if (!replaced.empty()) after_detaches(replaced);
}

}  // namespace papers::dipc::layerdiff
