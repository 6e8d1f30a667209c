// client_calls.cpp — a local process's call: find the owner and run it there.
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

#include <cerrno>

#include "daemon.hpp"
#include "proto/ids.hpp"

namespace papers::dipcd {

namespace {

proto::Reply error_reply(int err) { return proto::Reply{-1, err, {}}; }

// Every call struct starts with the id it names.
bool first_id(const std::uint8_t* p, std::size_t n, std::int32_t& id) {
    proto::Decoder d(p, n);
    d(id);
    return d.ok();
}

}  // namespace

bool Daemon::session_opened(SessionId, const proto::Caller&) { return registered_ && !stopping_; }

void Daemon::client_call(SessionId s, const proto::Caller& who_in, const proto::Header& h, const std::uint8_t* p,
                         std::size_t n, bool synced) {
    proto::Caller who = who_in;
    who.host = dir_.self();
    procs_->seen(who);
    auto reply = [this, s, req = h.request_id](proto::Reply r) { local_->reply(s, req, r); };
    // A body this daemon cannot decode is a client bug (or worse): logged
    // once per call, as the owner logs the calls it decodes, then EINVAL.
    auto malformed = [this, &who, &h, &reply] {
        log_.info(std::string("malformed or unexpected call '") + proto::op_name(h.op) + "' from local pid " +
                  std::to_string(who.pid) + ": answered EINVAL");
        reply(error_reply(EINVAL));
    };
    if (dsm_client_call(s, who, h, p, n)) return;
    switch (h.op) {
        case proto::Op::link_open: {
            proto::LinkOpen o;
            if (!proto::decode_payload(p, n, o)) return malformed();
            return client_link_open(s, who, h.request_id, o.host);
        }
        case proto::Op::whereis: {
            proto::TableRef t;
            if (!proto::decode_payload(p, n, t) || static_cast<int>(t.kind) >= proto::kKinds) return malformed();
            auto answer = [this, t, reply] {
                auto e = dir_.find(t.kind, t.id);
                reply(e ? proto::Reply{e->owner, 0, {}} : error_reply(EINVAL));
            };
            if (dir_.find(t.kind, t.id)) return answer();
            return sync_with_referee(answer);  // it may be younger than our last broadcast
        }
        case proto::Op::cancel: {
            proto::CancelReq c;
            if (proto::decode_payload(p, n, c)) client_cancel(s, c.target);
            return;
        }
        case proto::Op::get: {
            proto::GetReq g;
            if (!proto::decode_payload(p, n, g) || static_cast<int>(g.kind) >= proto::kKinds) return malformed();
            return client_get(s, who, h.request_id, g);
        }
        case proto::Op::semctl:
        case proto::Op::msgctl:
            if (answer_info(s, h.request_id, h.op, p, n)) return;
            break;
        default: break;
    }
    std::int32_t id = 0;
    if (!first_id(p, n, id)) return malformed();
    proto::Kind kind = (h.op == proto::Op::semop || h.op == proto::Op::semctl) ? proto::Kind::sem : proto::Kind::msg;
    std::vector<std::uint8_t> body(p, p + n);
    // *_STAT and *_STAT_ANY name an index, not an id: the directory maps it.
    if (h.op == proto::Op::semctl) {
        proto::SemctlReq r;
        if (!proto::decode_payload(p, n, r)) return malformed();
        if (r.cmd == SEM_STAT || r.cmd == SEM_STAT_ANY) {
            auto e = dir_.at_index(kind, r.id);
            if (!e && !synced) {  // perhaps created a moment ago: sync, then look again
                std::vector<std::uint8_t> copy(p, p + n);
                proto::Header hc = h;
                return sync_with_referee([=, this] { client_call(s, who_in, hc, copy.data(), copy.size(), true); });
            }
            if (!e) return reply(error_reply(EINVAL));
            r.id = id = e->id;
            body = proto::encode_payload(r);
        }
    } else if (h.op == proto::Op::msgctl) {
        proto::MsgctlReq r;
        if (!proto::decode_payload(p, n, r)) return malformed();
        if (r.cmd == MSG_STAT || r.cmd == MSG_STAT_ANY) {
            auto e = dir_.at_index(kind, r.id);
            if (!e && !synced) {
                std::vector<std::uint8_t> copy(p, p + n);
                proto::Header hc = h;
                return sync_with_referee([=, this] { client_call(s, who_in, hc, copy.data(), copy.size(), true); });
            }
            if (!e) return reply(error_reply(EINVAL));
            r.id = id = e->id;
            body = proto::encode_payload(r);
        }
    }
    route(s, who, h.request_id, h.op, std::move(body), kind, id, reply);
}

void Daemon::client_get(SessionId s, const proto::Caller& who, std::uint64_t req, proto::GetReq g, int attempt) {
    auto reply = [this, s, req](proto::Reply r) { local_->reply(s, req, r); };
    if (int err = dipc::owner::Engine::validate_get(g, dir_.limits())) return reply(error_reply(err));
    bool may_create = g.key == IPC_PRIVATE || (g.flags & IPC_CREAT);
    if (may_create) owner_->creation_started();
    proto::KeyResolve k{g.kind, g.key, g.flags, g.size};
    referee_request(proto::Op::key_resolve, proto::encode_payload(k), [=, this](proto::Reply r) mutable {
        proto::Resolved res;
        if (r.err == 0 && !proto::decode_payload(r.payload, res)) r = error_reply(EPROTO);
        if (r.err != 0) {
            if (may_create) owner_->creation_finished();
            return reply(r);
        }
        g.id = res.id;
        g.create = res.created;
        if (res.created) {
            // This host owns it now: create it before anything else can name it.
            dir_.add({g.kind, g.key, res.id, dir_.self(), g.size});
            auto body = proto::encode_payload(g);
            owner_->execute(who, proto::Op::get, body.data(), body.size(), {s, req}, [this, g, reply](proto::Reply r) {
                // A new segment gets its master copy and directory here, its home.
                if (r.err == 0 && g.kind == proto::Kind::shm) dsm_segment_created(g);
                if (r.err != 0) {
                    // The referee reserved the id for nothing: give it back.
                    dir_.remove(g.kind, g.id);
                    referee_request(proto::Op::removed, proto::encode_payload(proto::TableRef{g.kind, g.id}),
                                    [](proto::Reply) {});
                }
                reply(std::move(r));
            });
            owner_->creation_finished();
            return;
        }
        if (may_create) owner_->creation_finished();
        // EIDRM from the owner: the structure went between the referee's answer
        // and ours (its key names nothing now): ask again, a few times.
        auto retry = [this, s, who, req, g, reply, attempt](proto::Reply r) mutable {
            if (r.err == EIDRM && attempt < 3) {
                proto::GetReq again = g;
                again.id = -1;
                again.create = false;
                return client_get(s, who, req, again, attempt + 1);
            }
            reply(std::move(r));
        };
        route(s, who, req, proto::Op::get, proto::encode_payload(g), g.kind, g.id, retry);
    });
}

void Daemon::route(SessionId s, const proto::Caller& who, std::uint64_t req, proto::Op op,
                   std::vector<std::uint8_t> body, proto::Kind kind, std::int32_t id, Respond reply, bool synced) {
    auto entry = dir_.find(kind, id);
    if (!entry) {
        // Kernel ids never get here (the interposer keeps them); an unknown
        // DIPC id may be younger than our last broadcast: sync once, then EINVAL.
        if (synced || !proto::is_dipc_id(id)) return reply(error_reply(EINVAL));
        // While we ask, the call is ours: a cancel answers it EINTR at once
        // and the answer from the referee then finds nothing to do.
        auto key = std::make_pair(s, req);
        routing_.insert(key);
        return sync_with_referee([=, this, body = std::move(body)]() mutable {
            if (!routing_.erase(key)) return;  // cancelled, or its session ended
            route(s, who, req, op, std::move(body), kind, id, reply, true);
        });
    }
    if (entry->owner == dir_.self()) {
        owner_->execute(who, op, body.data(), body.size(), {s, req}, reply);
        return;
    }
    procs_->used(who, entry->owner);
    proto::Forward f{who, op, std::move(body)};
    auto key = std::make_pair(s, req);
    auto [conn, rid] = peers_->request(entry->owner, proto::Op::forward, f, [this, key, reply](proto::Reply r) {
        forwarded_.erase(key);
        reply(std::move(r));
    });
    forwarded_[key] = {conn, rid};
}

// IPC_INFO, SEM_INFO, MSG_INFO: the layer's limits and the cluster's usage.
bool Daemon::answer_info(SessionId s, std::uint64_t req, proto::Op op, const std::uint8_t* p, std::size_t n) {
    int cmd = 0;
    proto::Kind kind = proto::Kind::sem;
    if (op == proto::Op::semctl) {
        proto::SemctlReq r;
        if (!proto::decode_payload(p, n, r)) return false;
        cmd = r.cmd;
    } else {
        proto::MsgctlReq r;
        if (!proto::decode_payload(p, n, r)) return false;
        cmd = r.cmd;
        kind = proto::Kind::msg;
    }
    bool info = cmd == IPC_INFO || (kind == proto::Kind::sem ? cmd == SEM_INFO : cmd == MSG_INFO);
    if (!info) return false;
    // A structure removed or created a moment ago through another host may
    // not be in our table yet (the owner answers its caller before the
    // referee's broadcast arrives here): sync first, then count.
    sync_with_referee([this, s, req, kind, cmd] { answer_info_now(s, req, kind, cmd); });
    return true;
}

void Daemon::answer_info_now(SessionId s, std::uint64_t req, proto::Kind kind, int cmd) {
    auto finish = [this, s, req, kind, cmd](const proto::Usage& total) {
        proto::Reply r;
        std::int32_t hi = dir_.highest_index(kind);
        r.ret = hi < 0 ? 0 : hi;
        if (kind == proto::Kind::sem)
            r.payload = proto::encode_payload(dipc::owner::seminfo(dir_.limits(), cmd, total));
        else
            r.payload = proto::encode_payload(dipc::owner::msginfo(dir_.limits(), cmd, total));
        local_->reply(s, req, r);
    };
    proto::Usage total = dir_.usage(kind);
    // Semaphore counts are in the table; message counts only at the owners.
    if (kind == proto::Kind::sem || cmd == IPC_INFO) return finish(total);
    std::set<std::uint32_t> owners;
    for (const auto& e : dir_.owned_by_kind(kind)) owners.insert(e.owner);
    auto sum = std::make_shared<proto::Usage>();
    sum->structures = total.structures;
    auto left = std::make_shared<std::size_t>(owners.size() + 1);
    auto one = [sum, left, finish](const proto::Usage& u) {
        sum->items += u.items;
        sum->bytes += u.bytes;
        if (--*left == 0) finish(*sum);
    };
    for (std::uint32_t h : owners) {
        if (h == dir_.self()) continue;
        peers_->request(h, proto::Op::usage, proto::UsageReq{kind}, [one](proto::Reply r) {
            proto::Usage u;
            if (r.err == 0 && proto::decode_payload(r.payload, u)) one(u);
            else one(proto::Usage{});  // an owner lost meanwhile counts nothing
        });
    }
    if (owners.count(dir_.self())) --*left;
    one(engine_->usage(kind));
}

void Daemon::client_cancel(SessionId s, std::uint64_t target) {
    if (routing_.erase({s, target})) return local_->reply(s, target, error_reply(EINTR));
    auto it = forwarded_.find({s, target});
    if (it != forwarded_.end()) {
        peers_->send(it->second.conn, proto::Op::cancel, 0, proto::CancelReq{it->second.request});
        return;  // the owner's verdict comes as the forward's reply
    }
    owner_->cancel({s, target});
}

void Daemon::session_closed(SessionId s, const proto::Caller& who_in) {
    proto::Caller who = who_in;
    who.host = dir_.self();
    dsm_session_closed(s, who);
    // Whatever the thread still waited for must not complete without it.
    owner_->origin_gone(s);
    for (auto it = routing_.begin(); it != routing_.end();) it = it->first == s ? routing_.erase(it) : std::next(it);
    for (auto it = forwarded_.begin(); it != forwarded_.end();) {
        if (it->first.first == s) {
            peers_->send(it->second.conn, proto::Op::cancel, 0, proto::CancelReq{it->second.request});
            it = forwarded_.erase(it);
        } else {
            ++it;
        }
    }
}

void Daemon::process_gone(const proto::Caller& who, const std::set<std::uint32_t>& hosts) {
    log_.debug("process " + std::to_string(who.pid) + " ended");
    engine_->process_gone(dir_.self(), who.pid, who.start_time);
    proto::Caller c = who;
    c.host = dir_.self();
    for (std::int32_t seg : dsm_->process_gone(c)) dsm_note(seg, -1, c, [] {});
    proto::ProcessGone g{dir_.self(), who.pid, who.start_time};
    for (std::uint32_t h : hosts)
        if (h != dir_.self() && dir_.host(h)) peers_->notify(h, proto::Op::process_gone, g);
}

}  // namespace papers::dipcd
