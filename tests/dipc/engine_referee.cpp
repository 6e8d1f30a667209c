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
    // newseg: SHMALL after the size checks, before the id.
    std::uint64_t pages = req.kind == proto::Kind::shm ? (req.size + 4095) / 4096 : 0;
    if (req.kind == proto::Kind::shm && shm_tot_ + pages > limits_.shmall) return owner::failure(ENOSPC);
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
    if (req.kind == proto::Kind::shm) {
        shm_pages_[req.id] = pages;
        shm_tot_ += pages;
    }
    return r;
}

void TestReferee::key_released(proto::Kind kind, std::int32_t id) {
    for (auto it = keys_.begin(); it != keys_.end(); ++it) {
        if (it->first.first == kind && it->second == id) {
            keys_.erase(it);
            break;
        }
    }
}

void TestReferee::removed(proto::Kind kind, std::int32_t id) {
    used_.erase({kind, proto::slot_of(id)});
    if (auto it = shm_pages_.find(id); kind == proto::Kind::shm && it != shm_pages_.end()) {
        shm_tot_ -= it->second;
        shm_pages_.erase(it);
    }
    for (auto it = keys_.begin(); it != keys_.end(); ++it) {
        if (it->first.first == kind && it->second == id) {
            keys_.erase(it);
            break;
        }
    }
}

}  // namespace papers::dipc::enginetest
