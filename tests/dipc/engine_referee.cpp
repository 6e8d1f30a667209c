#include "engine_referee.hpp"

#include <sys/ipc.h>

#include <cerrno>

#include "proto/ids.hpp"

namespace papers::dipc::enginetest {

proto::Reply TestReferee::get(proto::GetReq req, const proto::Caller& caller) {
    if (int e = owner::Engine::validate_get(req, limits_)) return owner::failure(e);
    if (req.key != IPC_PRIVATE) {
        auto it = keys_.find({req.kind, req.key});
        if (it != keys_.end()) {
            if ((req.flags & IPC_CREAT) && (req.flags & IPC_EXCL)) return owner::failure(EEXIST);
            req.id = it->second;
            return engine_.get_existing(req, caller);
        }
        if (!(req.flags & IPC_CREAT)) return owner::failure(ENOENT);
    }
    if (int e = owner::Engine::validate_create(req, limits_)) return owner::failure(e);
    std::int32_t slot = 0;
    while (used_.count({req.kind, slot})) ++slot;
    if (slot >= proto::kSlots) return owner::failure(ENOSPC);
    auto seq_it = seqs_.find({req.kind, slot});
    std::int32_t seq = seq_it == seqs_.end() ? 0 : (seq_it->second + 1) % (proto::kMaxSeq + 1);
    req.id = proto::make_id(slot, seq);
    req.create = true;
    proto::Reply r = engine_.create(req, caller);
    if (r.err) return r;
    seqs_[{req.kind, slot}] = seq;
    used_.insert({req.kind, slot});
    if (req.key != IPC_PRIVATE) keys_[{req.kind, req.key}] = req.id;
    return r;
}

void TestReferee::removed(proto::Kind kind, std::int32_t id) {
    used_.erase({kind, proto::slot_of(id)});
    for (auto it = keys_.begin(); it != keys_.end(); ++it) {
        if (it->first.first == kind && it->second == id) {
            keys_.erase(it);
            break;
        }
    }
}

}  // namespace papers::dipc::enginetest
