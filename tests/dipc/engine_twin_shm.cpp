// engine_twin_shm.cpp — the twin's shared memory part: shmget, shmat,
// shmdt, shmctl and fork on the kernel (actors that really attach) vs
// create/get_existing, shm_attach, shm_note and shmctl on the engine, as the
// daemon would call them; and the check that a segment exists on both sides
// or on neither after every step that may destroy one.
#include <algorithm>
#include <cerrno>
#include <set>
#include <sstream>

#include "engine_compare.hpp"
#include "engine_twin.hpp"

namespace papers::dipc::enginetest {

using proto::Kind;

proto::Reply Twin::shm_engine_call(int p, std::int32_t eid, const KRequest& q) {
    Party& P = parties_[p];
    proto::Caller c = P.actor->caller();
    switch (q.call) {
        case KCall::shmget: {
            proto::GetReq g;
            g.kind = Kind::shm;
            g.key = q.key;
            g.flags = q.flags;
            g.size = q.size;
            return referee_->get(g, c);
        }
        case KCall::shmat: {
            proto::ShmatReq r;
            r.id = eid;
            r.flags = q.flags;
            return engine_->shm_attach(c, r);
        }
        case KCall::shmdt: return engine_->shm_note(c, proto::ShmAttachNote{eid, -1, c.pid});
        case KCall::fork:
            // fork copies every attachment: shm_open in the parent, so lpid
            // is the parent's pid.
            for (const Attachment& a : P.attached) {
                proto::Reply r = engine_->shm_note(c, proto::ShmAttachNote{handles_[a.handle].eid, +1, c.pid});
                if (r.err) return r;
            }
            return owner::success(0);
        default: break;  // shmctl
    }
    if (q.cmd == IPC_INFO) return owner::success(0, proto::encode_payload(owner::shminfo(limits_)));
    if (q.cmd == SHM_INFO)
        return owner::success(0, proto::encode_payload(owner::shm_usage(engine_->usage(Kind::shm))));
    proto::ShmctlReq r;
    r.id = eid;
    r.cmd = q.cmd;
    r.set.uid = q.uid;
    r.set.gid = q.gid;
    r.set.mode = q.mode;
    return engine_->shmctl(c, r);
}

// Both succeeded: what each returned and wrote.
void Twin::compare_shm(int p, const Target& t, const KRequest& q, const KResult& k, const proto::Reply& e,
                       std::ostringstream& o) {
    Party& P = parties_[p];
    Handle* h = t.handle >= 0 ? &handles_[t.handle] : nullptr;
    switch (q.call) {
        case KCall::shmget: {
            auto same = std::find_if(handles_.begin(), handles_.end(),
                                     [&](const Handle& x) { return x.live && x.kind == Kind::shm && x.kid == k.ret; });
            if (same != handles_.end()) {
                last_handle_ = static_cast<int>(same - handles_.begin());
                if (same->eid != e.ret)
                    o << "kernel names H" << last_handle_ << ", the engine id " << e.ret << " does not";
            } else if (std::any_of(handles_.begin(), handles_.end(),
                                   [&](const Handle& x) { return x.live && x.kind == Kind::shm && x.eid == e.ret; })) {
                o << "kernel created a segment, the engine answered an existing one (" << e.ret << ")";
            } else {
                Handle n;
                n.kind = Kind::shm;
                n.kid = static_cast<int>(k.ret);
                n.eid = static_cast<std::int32_t>(e.ret);
                n.size = q.size;
                handles_.push_back(n);
                last_handle_ = static_cast<int>(handles_.size()) - 1;
                log("  -> H" + std::to_string(last_handle_));
            }
            return;
        }
        case KCall::shmat: {
            proto::ShmAttach a;
            if (!h || e.ret != 0 || !proto::decode_payload(e.payload, a)) {
                o << " engine ret " << e.ret << " or payload not a ShmAttach";
                return;
            }
            if (a.size != h->size || a.attach != 0 || a.unit_bytes != 0)
                o << " ShmAttach{" << a.attach << ", " << a.size << ", " << a.unit_bytes << "}, segment size " << h->size;
            P.attached.push_back({t.handle, static_cast<int>(k.ret)});
            h->lpid_unknown = false;
            return;
        }
        case KCall::shmdt: {
            if (k.ret != e.ret) o << "ret kernel " << k.ret << " engine " << e.ret;
            auto it = std::find_if(P.attached.begin(), P.attached.end(),
                                   [&](const Attachment& a) { return a.slot == q.slot; });
            if (it != P.attached.end()) P.attached.erase(it);
            if (h) h->lpid_unknown = false;
            return;
        }
        case KCall::fork: {
            if (k.ret <= 0 || e.ret != 0) {
                o << "fork: kernel " << k.ret << " engine " << e.ret;
                return;
            }
            P.child = static_cast<pid_t>(k.ret);
            P.child_handles.clear();
            for (const Attachment& a : P.attached) {
                P.child_handles.push_back(a.handle);
                handles_[a.handle].lpid_unknown = false;
            }
            log("  -> child pid " + std::to_string(P.child));
            return;
        }
        default: break;  // shmctl
    }
    if (q.cmd == IPC_INFO || q.cmd == SHM_INFO) {
        // (The return value, the highest index in use, is the daemon's.)
        if (q.cmd == IPC_INFO) {
            proto::ShmInfoRec r;
            if (!proto::decode_payload(e.payload, r)) o << " engine payload not a ShmInfoRec";
            else o << shminfo_diff(k.shm_limits, r);
        } else {
            proto::ShmUsageRec r;
            if (!proto::decode_payload(e.payload, r)) o << " engine payload not a ShmUsageRec";
            else o << shm_usage_diff(k.shm_usage, r);
        }
        return;
    }
    bool stat = q.cmd == IPC_STAT || q.cmd == SHM_STAT || q.cmd == SHM_STAT_ANY;
    if (stat && q.cmd != IPC_STAT) {
        bool kernel_names_it = h && h->kid == k.ret;
        if (!kernel_names_it || e.ret != h->eid)
            o << "id kernel " << k.ret << " engine " << e.ret << " (target H" << t.handle << ")";
    } else if (k.ret != e.ret) {
        o << "ret kernel " << k.ret << " engine " << e.ret;
    }
    if (stat) {
        proto::ShmDsRec r;
        if (!proto::decode_payload(e.payload, r))
            o << " engine payload not a ShmDsRec";
        else
            o << shm_ds_diff(kernel_shm_ds(k.shm_ds), r, !(h && h->lpid_unknown));
    }
    if (q.cmd == IPC_RMID && h && h->live) h->marked = true;  // attached: SHM_DEST
}

void Twin::shmat(int p, const Target& t, int flags) {
    KRequest q;
    q.call = KCall::shmat;
    q.flags = flags;
    call(p, t, q);
}

void Twin::shmdt(int p, int which) {
    const Attachment a = parties_[p].attached.at(static_cast<std::size_t>(which));
    KRequest q;
    q.call = KCall::shmdt;
    q.slot = a.slot;
    call(p, target(a.handle), q);
}

void Twin::fork_party(int p) {
    if (has_child(p)) {
        fail("test bug: P" + std::to_string(p) + " already has a child");
        return;
    }
    KRequest q;
    q.call = KCall::fork;
    call(p, Target{}, q);
}

void Twin::end_child(int p) {
    if (!ok()) return;
    Party& P = parties_[p];
    if (P.child <= 0) return;
    log("P" + std::to_string(p) + "'s child " + std::to_string(P.child) + " exits");
    if (!Actor::end_child(P.child)) fail("P" + std::to_string(p) + ": its child did not exit");
    pid_t child = P.child;
    std::vector<int> held = std::move(P.child_handles);
    ++outcomes_["child exit, attachments " + std::to_string(held.size())];
    P.child = -1;
    P.child_handles.clear();
    note_all(p, held, -1, child, "child exit");
    verify_segments();
}

// The daemon's notes for attachments the kernel ended or copied without a
// call of the process's own (exit, fork): each must be accepted.
void Twin::note_all(int p, const std::vector<int>& held, std::int32_t delta, std::int32_t pid, const char* why) {
    proto::Caller c;
    c.host = parties_[p].host;
    c.pid = pid;
    for (int h : held) {
        proto::Reply r = engine_->shm_note(c, proto::ShmAttachNote{handles_[h].eid, delta, pid});
        if (r.err) fail(std::string(why) + ": shm_note(" + std::to_string(delta) + ") for H" + std::to_string(h) +
                        " refused: " + errname(r.err));
        handles_[h].lpid_unknown = false;
    }
}

void Twin::segment_removed(std::int32_t eid) {
    for (std::size_t h = 0; h < handles_.size(); ++h) {
        Handle& H = handles_[h];
        if (H.kind == Kind::shm && H.live && H.eid == eid) {
            H.live = false;
            just_removed_.push_back(static_cast<int>(h));
            log("  -> H" + std::to_string(h) + " destroyed");
            ++outcomes_[H.marked ? "segment destroyed at its last detach" : "segment destroyed at IPC_RMID"];
        }
    }
}

// The engine destroyed some segments and kept others marked: the kernel
// must agree (IPC_STAT by root: EINVAL on both sides, or the same record).
void Twin::verify_segments() {
    std::set<int> hs(just_removed_.begin(), just_removed_.end());
    just_removed_.clear();
    for (std::size_t h = 0; h < handles_.size(); ++h)
        if (handles_[h].kind == Kind::shm && handles_[h].live && handles_[h].marked) hs.insert(static_cast<int>(h));
    if (parties_.empty() || parties_[0].pending) return;
    for (int h : hs) {
        KRequest q;
        q.call = KCall::shmctl;
        q.cmd = IPC_STAT;
        call(0, target(h), q);
    }
}

}  // namespace papers::dipc::enginetest
