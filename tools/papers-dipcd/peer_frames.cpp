// peer_frames.cpp — frames from other daemons: forwarded calls, the
// referee's broadcasts, and (on the referee) the referee's requests.
#include <cerrno>

#include "daemon.hpp"
#include "proto/ids.hpp"

namespace papers::dipcd {

namespace {

proto::Reply error_reply(int err) { return proto::Reply{-1, err, {}}; }

}  // namespace

void Daemon::peer_frame(ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n) {
    using proto::Op;
    if (client_link_frame(c, h, p, n)) return;
    switch (h.op) {
        case Op::host_hello:
        case Op::key_resolve:
        case Op::removed:
        case Op::key_release:
        case Op::sync:
            if (!referee_) break;
            return serve_referee_request(c, h, p, n);
        case Op::table_add:
        case Op::table_remove:
        case Op::host_up:
        case Op::host_lost: {
            // Only the referee speaks for the cluster.
            if (referee_ || !peers_->is_referee(c)) break;
            if (h.op == Op::table_add) {
                proto::TableEntry e;
                if (proto::decode_payload(p, n, e)) return apply_table_add(e);
            } else if (h.op == Op::table_remove) {
                proto::TableRef r;
                if (proto::decode_payload(p, n, r)) return apply_table_remove(r);
            } else if (h.op == Op::host_up) {
                proto::HostEntry e;
                if (proto::decode_payload(p, n, e)) {
                    dir_.host_up(e);
                    log_.debug("host " + e.name + " joined as " + std::to_string(e.host));
                    return;
                }
            } else {
                proto::HostRef r;
                if (proto::decode_payload(p, n, r)) {
                    if (r.host == dir_.self()) return fenced("the referee declared this host lost");
                    return host_gone(r.host, "the referee declared it lost");
                }
            }
            break;
        }
        case Op::forward:
        case Op::cancel:
        case Op::process_gone:
        case Op::usage:
        case Op::page_req:
        case Op::page_revoke:
        case Op::page_notice: {
            auto host = peers_->host_of(c);
            if (!host) {
                // A daemon newer than our last host_up: sync, then look again.
                if (auto named = dir_.host_named(peers_->peer_name(c))) {
                    peers_->identify(c, *named);
                    host = named;
                } else {
                    std::vector<std::uint8_t> copy(p, p + n);
                    proto::Header hc = h;
                    return sync_with_referee([this, c, hc, copy] {
                        if (auto named = dir_.host_named(peers_->peer_name(c))) {
                            peers_->identify(c, *named);
                            peer_frame(c, hc, copy.data(), copy.size());
                        } else {
                            log_.info("a daemon named '" + peers_->peer_name(c) +
                                      "' is not in the cluster; closing its link");
                            peers_->close(c, "unknown host");
                        }
                    });
                }
            }
            if (h.op == Op::page_req || h.op == Op::page_revoke || h.op == Op::page_notice) {
                if (dsm_peer_frame(c, *host, h, p, n)) return;
                break;
            }
            if (h.op == Op::cancel) {
                proto::CancelReq r;
                if (!proto::decode_payload(p, n, r)) break;
                owner_->cancel({kLinkOrigin | c, r.target});
                return;
            }
            if (h.op == Op::usage) {
                proto::UsageReq r;
                if (!proto::decode_payload(p, n, r) || static_cast<int>(r.kind) >= proto::kKinds) break;
                proto::Reply rep;
                rep.payload = proto::encode_payload(engine_->usage(r.kind));
                peers_->send(c, Op::reply, h.request_id, rep);
                return;
            }
            if (h.op == Op::process_gone) {
                proto::ProcessGone g;
                if (!proto::decode_payload(p, n, g)) break;
                if (g.host != *host) break;
                engine_->process_gone(g.host, g.pid, g.start_time);
                return;
            }
            proto::Forward f;
            if (!proto::decode_payload(p, n, f)) break;
            if (f.caller.host != *host) {
                // A daemon may only speak for its own processes.
                log_.info("host " + peers_->peer_name(c) + " asserted a caller of host " +
                          std::to_string(f.caller.host) + "; refused");
                peers_->send(c, Op::reply, h.request_id, error_reply(EACCES));
                return;
            }
            owner_->execute(f.caller, f.inner_op, f.inner.data(), f.inner.size(), {kLinkOrigin | c, h.request_id},
                            [this, c, req = h.request_id](proto::Reply r) { peers_->send(c, Op::reply, req, r); });
            return;
        }
        default: break;
    }
    log_.info(std::string("unexpected or malformed '") + proto::op_name(h.op) + "' from " + peers_->peer_name(c) +
              "; closing the link");
    peers_->close(c, "protocol error");
}

void Daemon::peer_closed(ConnId c, std::optional<std::uint32_t> host, bool referee, const std::string& why) {
    owner_->origin_gone(kLinkOrigin | c);
    if (client_links_.erase(c)) return;  // a process's direct link: its process left, or its host
    if (stopping_) return;
    if (referee) {
        log_.info("lost the referee (" + why + "): existing structures keep working, creating new ones fails "
                  "with ENOLINK");
        return;
    }
    if (referee_) {
        auto it = referee_links_.find(c);
        if (it != referee_links_.end()) {
            std::uint32_t lost = it->second;
            referee_links_.erase(it);
            host_gone(lost, why);
            return;
        }
    }
    if (host) {
        log_.info("link to host " + std::to_string(*host) + " closed: " + why);
        // Without a referee nobody else will say it: this daemon decides.
        if (!referee_ && !peers_->has_referee()) host_gone(*host, why);
    }
}

// The referee's answers. A creation is answered before it is broadcast, so
// its owner has it before anyone else can name it.
void Daemon::serve_referee_request(ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n) {
    using proto::Op;
    auto send_reply = [this, c, req = h.request_id](const proto::Reply& r) { peers_->send(c, Op::reply, req, r); };
    if (h.op == Op::host_hello) {
        proto::HostHello hello;
        if (!proto::decode_payload(p, n, hello) || hello.version != proto::kProtocolVersion) {
            log_.info("refused host_hello from " + peers_->peer_name(c) + ": bad message or protocol version");
            return peers_->close(c, "bad host_hello");
        }
        if (hello.self.name != peers_->peer_name(c)) {
            log_.info("refused host_hello: the link authenticated as '" + peers_->peer_name(c) +
                      "' but the hello names '" + hello.self.name + "'");
            return peers_->close(c, "name mismatch");
        }
        // A daemon listening on a wildcard address is reached where it came from.
        if (hello.self.address.empty() || hello.self.address == "0.0.0.0" || hello.self.address == "::")
            hello.self.address = peers_->remote_address(c);
        if (auto old = dir_.host_named(hello.self.name)) {
            // Its previous incarnation is lost, whatever it owned is gone.
            host_gone(*old, "it registered again");
            referee_broadcast(Op::host_lost, proto::encode_payload(proto::HostRef{*old}), c);
        }
        std::uint32_t id = referee_->register_host(hello.self);
        referee_links_[c] = id;
        peers_->identify(c, id);
        auto entry = *referee_->host(id);
        dir_.host_up(entry);
        proto::Reply r;
        r.ret = id;
        r.payload = proto::encode_payload(referee_->welcome(id));
        send_reply(r);
        referee_broadcast(Op::host_up, proto::encode_payload(entry), c);
        log_.info("host " + entry.name + " (" + entry.address + ":" + std::to_string(entry.port) + ") joined as " +
                  std::to_string(id));
        return;
    }
    auto host = referee_links_.find(c);
    if (host == referee_links_.end()) {
        log_.info("referee request before host_hello from " + peers_->peer_name(c));
        return peers_->close(c, "not registered");
    }
    proto::Reply r = referee_answer(host->second, h.op, p, n);
    send_reply(r);
    referee_flush();
}

// Runs a referee request for `host`; broadcasts go out at referee_flush().
proto::Reply Daemon::referee_answer(std::uint32_t host, proto::Op op, const std::uint8_t* p, std::size_t n) {
    using proto::Op;
    if (op == Op::sync) return proto::Reply{};
    if (op == Op::key_resolve) {
        proto::KeyResolve k;
        if (!proto::decode_payload(p, n, k) || static_cast<int>(k.kind) >= proto::kKinds) return error_reply(EPROTO);
        auto res = referee_->resolve(host, k);
        if (res.added) {
            dir_.add(*res.added);
            pending_broadcasts_.push_back({Op::table_add, proto::encode_payload(*res.added)});
        }
        return res.reply;
    }
    if (op == Op::key_release) {
        proto::TableRef t;
        if (!proto::decode_payload(p, n, t)) return error_reply(EPROTO);
        if (auto e = referee_->key_released(host, t)) {
            dir_.add(*e);
            pending_broadcasts_.push_back({Op::table_add, proto::encode_payload(*e)});
        }
        return proto::Reply{};
    }
    if (op == Op::removed) {
        proto::TableRef t;
        if (!proto::decode_payload(p, n, t)) return error_reply(EPROTO);
        if (auto gone = referee_->removed(host, t)) {
            dir_.remove(gone->kind, gone->id);
            pending_broadcasts_.push_back({Op::table_remove, proto::encode_payload(*gone)});
        }
        return proto::Reply{};
    }
    return error_reply(EPROTO);
}

void Daemon::referee_flush() {
    auto b = std::move(pending_broadcasts_);
    pending_broadcasts_.clear();
    for (auto& [op, msg] : b) referee_broadcast(op, msg);
}

void Daemon::referee_broadcast(proto::Op op, const std::vector<std::uint8_t>& msg, std::optional<ConnId> skip) {
    for (const auto& [c, host] : referee_links_)
        if (!skip || *skip != c) peers_->send_raw(c, op, msg);
}

void Daemon::referee_request(proto::Op op, std::vector<std::uint8_t> msg, Respond respond) {
    if (referee_) {
        // This daemon is the referee: answer in place, after the caller returns.
        proto::Reply r = referee_answer(dir_.self(), op, msg.data(), msg.size());
        boost::asio::post(io_, [this, respond = std::move(respond), r]() mutable {
            respond(std::move(r));
            referee_flush();
        });
        return;
    }
    if (!peers_->has_referee()) {
        boost::asio::post(io_, [respond = std::move(respond)] { respond(error_reply(ENOLINK)); });
        return;
    }
    peers_->request_referee_raw(op, std::move(msg), [respond = std::move(respond)](proto::Reply r) {
        // A referee that went away mid-request: the layer is unreachable.
        if (r.ret == -1 && r.err == EIDRM && r.payload.empty()) r.err = ENOLINK;
        respond(std::move(r));
    });
}

void Daemon::sync_with_referee(std::function<void()> then) {
    referee_request(proto::Op::sync, {}, [then = std::move(then)](proto::Reply) { then(); });
}

void Daemon::apply_table_add(const proto::TableEntry& e) { dir_.add(e); }

void Daemon::apply_table_remove(const proto::TableRef& r) {
    dir_.remove(r.kind, r.id);
    if (r.kind == proto::Kind::shm) dsm_->segment_gone(r.id, false);
}

void Daemon::host_gone(std::uint32_t host, const std::string& why) {
    auto h = dir_.host(host);
    std::string name = h ? h->name : "#" + std::to_string(host);
    auto owned = dir_.owned_by(host);
    log_.info("host " + name + " is lost (" + why + "): " + std::to_string(owned.size()) +
              " structure(s) it owned are removed; calls waiting on them fail with EIDRM");
    if (referee_) {
        referee_->host_lost(host);
        referee_broadcast(proto::Op::host_lost, proto::encode_payload(proto::HostRef{host}));
    }
    dir_.host_lost(host);
    peers_->close_host(host, "host lost");
    engine_->host_lost(host);
    dsm_->host_lost(host);
}

void Daemon::fenced(const std::string& why) {
    log_.info("fenced: " + why + "; every structure this host owned is gone; stopping");
    engine_->remove_all(EIDRM);
    exit_code_ = 1;
    stop();
}

}  // namespace papers::dipcd
