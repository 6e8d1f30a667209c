#include "owner_service.hpp"

#include <sys/ipc.h>
#include <sys/sem.h>

#include <cerrno>
#include <memory>

namespace papers::dipcd {

namespace {

proto::Reply error_reply(int err) { return proto::Reply{-1, err, {}}; }

template <class T>
bool decode(const std::uint8_t* body, std::size_t n, T& out) {
    return proto::decode_payload(body, n, out);
}

// The id a call names and the kind it is of; false for a malformed body.
bool call_target(proto::Op op, const std::uint8_t* body, std::size_t n, proto::Kind& kind, std::int32_t& id) {
    proto::Decoder d(body, n);
    switch (op) {
        case proto::Op::get: {
            proto::GetReq r;
            if (!decode(body, n, r)) return false;
            kind = r.kind;
            id = r.id;
            return true;
        }
        case proto::Op::semop:
        case proto::Op::semctl: kind = proto::Kind::sem; break;
        case proto::Op::msgsnd:
        case proto::Op::msgrcv:
        case proto::Op::msgctl: kind = proto::Kind::msg; break;
        case proto::Op::shmat:
        case proto::Op::shmctl:
        case proto::Op::shm_attach: kind = proto::Kind::shm; break;
        default: return false;
    }
    d(id);  // every call struct starts with the id
    return d.ok();
}

}  // namespace

bool OwnerService::known(proto::Op op, const std::uint8_t* body, std::size_t n) const {
    proto::Kind kind{};
    std::int32_t id = 0;
    if (!call_target(op, body, n, kind, id)) return true;  // let run() report it
    if (op == proto::Op::get) {
        proto::GetReq r;
        if (decode(body, n, r) && r.create) return true;
    }
    return engine_.exists(kind, id);
}

void OwnerService::execute(const proto::Caller& caller, proto::Op op, const std::uint8_t* body, std::size_t n,
                           CallKey key, Respond respond) {
    if (creating_ > 0 && !known(op, body, n)) {
        parked_.push_back({caller, op, std::vector<std::uint8_t>(body, body + n), key, std::move(respond)});
        return;
    }
    run(caller, op, body, n, key, std::move(respond));
}

void OwnerService::creation_finished() {
    if (--creating_ > 0) return;
    auto parked = std::move(parked_);
    parked_.clear();
    for (auto& p : parked) run(p.caller, p.op, p.body.data(), p.body.size(), p.key, std::move(p.respond));
}

void OwnerService::run(const proto::Caller& caller, proto::Op op, const std::uint8_t* body, std::size_t n,
                       CallKey key, Respond respond_now) {
    // Removals the call makes are reported before its reply goes out.
    just_removed_.clear();
    auto respond = [this, respond_now](proto::Reply r) {
        auto removed = std::move(just_removed_);
        just_removed_.clear();
        if (removed.empty() || !removal_hook) return respond_now(std::move(r));
        auto left = std::make_shared<std::size_t>(removed.size());
        auto reply = std::make_shared<proto::Reply>(std::move(r));
        for (auto [kind, id, key_only] : removed)
            removal_hook(kind, id, key_only, [left, reply, respond_now] {
                if (--*left == 0) respond_now(std::move(*reply));
            });
    };
    // A call that blocks completes through `done`, which forgets it first.
    dipc::owner::CallId call = next_call_++;
    // (Blocked calls never remove anything: they answer directly.)
    auto done = [this, call, respond_now](proto::Reply r) {
        auto it = keys_.find(call);
        if (it != keys_.end()) {
            pending_.erase(it->second);
            keys_.erase(it);
        }
        respond_now(std::move(r));
    };
    auto finish = [&](std::optional<proto::Reply> now) {
        if (now) {
            respond(std::move(*now));
            return;
        }
        pending_[key] = call;
        keys_[call] = key;
    };
    switch (op) {
        case proto::Op::get: {
            proto::GetReq r;
            if (!decode(body, n, r)) break;
            respond(r.create ? engine_.create(r, caller) : engine_.get_existing(r, caller));
            return;
        }
        case proto::Op::semop: {
            proto::SemopReq r;
            if (!decode(body, n, r)) break;
            finish(engine_.semop(call, caller, r, done));
            return;
        }
        case proto::Op::semctl: {
            proto::SemctlReq r;
            if (!decode(body, n, r)) break;
            respond(engine_.semctl(caller, r));
            return;
        }
        case proto::Op::msgsnd: {
            proto::MsgsndReq r;
            if (!decode(body, n, r)) break;
            finish(engine_.msgsnd(call, caller, r, done));
            return;
        }
        case proto::Op::msgrcv: {
            proto::MsgrcvReq r;
            if (!decode(body, n, r)) break;
            finish(engine_.msgrcv(call, caller, r, done));
            return;
        }
        case proto::Op::msgctl: {
            proto::MsgctlReq r;
            if (!decode(body, n, r)) break;
            respond(engine_.msgctl(caller, r));
            return;
        }
        case proto::Op::shmat: {
            proto::ShmatReq r;
            if (!decode(body, n, r)) break;
            respond(engine_.shm_attach(caller, r));
            return;
        }
        case proto::Op::shm_attach: {
            proto::ShmAttachNote r;
            if (!decode(body, n, r)) break;
            respond(engine_.shm_note(caller, r));
            return;
        }
        case proto::Op::shmctl: {
            proto::ShmctlReq r;
            if (!decode(body, n, r)) break;
            respond(engine_.shmctl(caller, r));
            return;
        }
        default: break;
    }
    log_.info(std::string("malformed or unexpected call '") + proto::op_name(op) + "' from host " +
              std::to_string(caller.host) + " pid " + std::to_string(caller.pid));
    respond(error_reply(EPROTO));
}

void OwnerService::cancel(CallKey key) {
    auto it = pending_.find(key);
    if (it != pending_.end()) {
        engine_.cancel(it->second);  // calls `done` with EINTR, which erases it
        return;
    }
    // Not started yet (parked): answer EINTR without running it.
    for (auto p = parked_.begin(); p != parked_.end(); ++p)
        if (!(p->key < key) && !(key < p->key)) {
            Respond r = std::move(p->respond);
            parked_.erase(p);
            r(error_reply(EINTR));
            return;
        }
}

void OwnerService::origin_gone(std::uint64_t origin) {
    std::vector<CallKey> keys;
    for (const auto& [k, call] : pending_)
        if (k.origin == origin) keys.push_back(k);
    for (const auto& p : parked_)
        if (p.key.origin == origin) keys.push_back(p.key);
    for (const auto& k : keys) cancel(k);
}

}  // namespace papers::dipcd
