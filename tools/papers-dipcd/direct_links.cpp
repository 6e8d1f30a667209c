// direct_links.cpp — a process's own link to another host's daemon
// (docs/dipc-design.md, decision 13).
//
// A remote call through the local daemon crosses two processes each way
// (client -> local daemon -> owner); a direct link crosses one, as a raw TCP
// round trip does. The local daemon still vouches for the process: it opens
// the channel link with the cluster key (which the process never sees),
// declares the process's identity in the link's first frame (client_link),
// and only then hands the connected socket and the session's state to the
// process. Everything the process sends on it is attributed to that
// identity; the owner accepts the declaration only from the daemon of the
// caller's own host, as for forwarded calls.
#include <unistd.h>

#include <cerrno>

#include "daemon.hpp"

namespace papers::dipcd {

namespace {

proto::Reply error_reply(int err) { return proto::Reply{-1, err, {}}; }

}  // namespace

void Daemon::client_link_open(SessionId s, const proto::Caller& who, std::uint64_t req, std::uint32_t host) {
    auto h = dir_.host(host);
    if (!h || host == dir_.self()) return local_->reply(s, req, error_reply(h ? EINVAL : EIDRM));
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(h->address, ec);
    if (ec) return local_->reply(s, req, error_reply(EIDRM));
    procs_->used(who, host);  // its undo list there ends with it (process_gone)
    dipc::channel::Link::connect(
        io_, link_cfg_, boost::asio::ip::tcp::endpoint(addr, h->port),
        [this, s, req, who, name = h->name](std::error_code e, std::shared_ptr<dipc::channel::Link> link) {
            if (e || !link) {
                log_.info("direct link to " + name + " for pid " + std::to_string(who.pid) +
                          " failed: " + (e ? e.message() : "no link"));
                return local_->reply(s, req, error_reply(EIDRM));
            }
            // The owner's acknowledgement of the declaration is the last frame
            // this daemon reads on the link; then it is the process's.
            link->on_frame([this, s, req, link, name](const std::uint8_t* p, std::size_t n) {
                proto::Header hdr;
                proto::Reply r;
                if (!proto::decode_header(p, n, hdr) || hdr.op != proto::Op::reply ||
                    !proto::decode_payload(p + proto::kHeaderBytes, n - proto::kHeaderBytes, r) || r.err) {
                    log_.info("the daemon of " + name + " refused a direct link");
                    link->close();
                    return local_->reply(s, req, error_reply(r.err ? r.err : EPROTO));
                }
                link->detach([this, s, req](int fd, std::vector<std::uint8_t> state, std::vector<std::uint8_t> unread) {
                    if (fd < 0) return local_->reply(s, req, error_reply(EIDRM));
                    proto::Reply ok;
                    ok.payload = proto::encode_payload(proto::LinkHandover{std::move(state), std::move(unread)});
                    local_->reply(s, req, ok, fd);  // sends a copy of the descriptor
                    ::close(fd);
                });
            });
            link->on_close([](const std::string&) {});
            std::vector<std::uint8_t> body;
            proto::encode_body(proto::Op::client_link, 1, who, body);
            link->send(body);
        });
}

// At the owner: the declaration, then the process's calls.
bool Daemon::client_link_frame(ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n) {
    using proto::Op;
    auto it = client_links_.find(c);
    if (h.op == Op::client_link) {
        proto::Caller who;
        auto host = peers_->host_of(c);
        if (!host) host = dir_.host_named(peers_->peer_name(c));
        if (it != client_links_.end() || !proto::decode_payload(p, n, who) || !host || who.host != *host) {
            log_.info("refused a direct link from " + peers_->peer_name(c) + ": its declaration is not of its own host");
            peers_->send(c, Op::reply, h.request_id, error_reply(EACCES));
            return true;
        }
        peers_->identify(c, *host);
        peers_->mark_client(c);
        client_links_[c] = who;
        peers_->send(c, Op::reply, h.request_id, proto::Reply{});
        return true;
    }
    if (it == client_links_.end()) return false;
    const proto::Caller& who = it->second;
    switch (h.op) {
        case Op::cancel: {
            proto::CancelReq r;
            if (proto::decode_payload(p, n, r)) owner_->cancel({kLinkOrigin | c, r.target});
            return true;
        }
        case Op::dsm_fetch: {
            proto::DsmFetch f;
            if (!proto::decode_payload(p, n, f)) {
                peers_->send(c, Op::reply, h.request_id, error_reply(EINVAL));
                return true;
            }
            dsm_->direct_fetch(who, f, [this, c, req = h.request_id](proto::Reply r) { peers_->send(c, Op::reply, req, r); });
            arm_deadline_timer();
            return true;
        }
        case Op::semop:
        case Op::semctl:
        case Op::msgsnd:
        case Op::msgrcv:
        case Op::msgctl:
            owner_->execute(who, h.op, p, n, {kLinkOrigin | c, h.request_id},
                            [this, c, req = h.request_id](proto::Reply r) { peers_->send(c, Op::reply, req, r); });
            return true;
        default:
            log_.info(std::string("a direct link of pid ") + std::to_string(who.pid) + " sent '" +
                      proto::op_name(h.op) + "', not a call; closing it");
            peers_->close(c, "protocol error");
            return true;
    }
}

}  // namespace papers::dipcd
