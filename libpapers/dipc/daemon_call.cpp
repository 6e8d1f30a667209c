#include "daemon_call.hpp"

#include <unistd.h>

#include "credentials.hpp"
#include "owner_cache.hpp"

namespace papers::dipc::client {

bool DaemonCall::open() {
    Link* link = lease_.link();
    if (!link) {
        errno = ENOMEM;  // signal handlers nested kLinksPerThread deep, each in a DIPC call
        return false;
    }
    // A link opened under other credentials speaks for another identity
    // (the daemon took it from SO_PEERCRED): open a new one. (One the daemon
    // closed meanwhile refuses the first request: call_daemon.)
    if (link->is_open() && link->credential_generation() == credential_generation() &&
        !link->has_unasked_bytes()) {
        daemon_open_ = true;
        return true;
    }
    return reopen();
}

bool DaemonCall::reopen() {
    Link* link = lease_.link();
    link->close();
    daemon_open_ = false;
    track_thread_links();
    std::string why;
    if (!link->open(config().socket_path, why)) return link_failed(why);
    remember_welcome(link->welcome());
    daemon_open_ = true;
    return true;
}

bool DaemonCall::open_for(proto::Kind kind, std::int32_t id) {
    if (!lease_.link()) {
        errno = ENOMEM;
        return false;
    }
    kind_ = kind;
    id_ = id;
    by_id_ = true;
    routing_ = true;
    direct_lease_.acquire();
    std::optional<std::uint32_t> owner = cached_owner(kind, id);
    if (owner && *owner != local_host() && direct_lease_.held() && limits_known()) return true;
    return open();
}

DirectLink* DaemonCall::direct_to_owner(proto::Kind kind, std::int32_t id) {
    if (!open_for(kind, id)) return nullptr;
    if (!route()) return nullptr;
    return direct_;
}

// On the first ask of an open_for() call: the owner from the cache or the
// local daemon (whereis), then its link: the local daemon's when the owner
// is this host (or the id is unknown: the daemon answers the call itself,
// EINVAL), the thread's direct link to it otherwise.
bool DaemonCall::route() {
    routing_ = false;
    struct Routing {
        bool& flag;
        explicit Routing(bool& f) : flag(f) { flag = true; }
        ~Routing() { flag = false; }
    } routing(routing_now_);
    for (int attempt = 0;; ++attempt) {
        std::optional<std::uint32_t> owner = cached_owner(kind_, id_);
        bool fresh = !owner;
        if (!owner) {
            proto::Reply r;
            if (!ask_daemon(proto::Op::whereis, proto::TableRef{kind_, id_}, r)) return false;
            if (r.err != 0) return true;
            owner = static_cast<std::uint32_t>(r.ret);
            remember_owner(kind_, id_, *owner);
        }
        // A signal handler's call while the thread's call holds the direct
        // links goes through the local daemon.
        if (*owner == local_host() || !direct_lease_.held()) return true;
        // The local daemon's link was opened under the same credentials
        // (open() checks), so link_open declares the identity of now.
        DirectLink& link = direct_lease_.link_to(*owner, credential_generation());
        if (link.is_open()) {
            direct_ = &link;
            return true;
        }
        switch (open_direct(link, *owner)) {
            case Opened::direct: direct_ = &link; return true;
            case Opened::through_daemon: return true;
            case Opened::failed: return false;
            case Opened::refused: break;
        }
        // The local daemon knows no such host (EIDRM): the owner is lost. A
        // cached owner is asked about again once (the id may be gone, EINVAL).
        forget_owner(kind_, id_);
        if (fresh || attempt > 0) {
            errno = refused_err_;
            return false;
        }
    }
}

// link_open on the local daemon: it dials the owner's daemon, declares this
// process and hands over the connected socket (SCM_RIGHTS) and the session.
DaemonCall::Opened DaemonCall::open_direct(DirectLink& link, std::uint32_t host) {
    if (!daemon_open_ && !open()) return Opened::failed;
    proto::Reply r;
    int fd = -1;
    std::string why;
    if (!call_daemon(proto::Op::link_open, proto::LinkOpen{host}, false, r, &fd)) return Opened::failed;
    Link* daemon = lease_.link();
    if (r.err != 0) {
        if (fd >= 0) ::close(fd);
        if (r.err == EINVAL) return Opened::through_daemon;  // the host is the daemon's own after all
        refused_err_ = r.err;
        return Opened::refused;
    }
    // No room for the descriptor (EMFILE): the daemon's path needs none.
    if (fd < 0) return Opened::through_daemon;
    proto::LinkHandover handover;
    const char* bad = nullptr;
    if (!proto::decode_payload(r.payload, handover, &bad)) {
        ::close(fd);
        daemon->close();
        link_failed(std::string("protocol error in a link_open answer: ") + bad);
        return Opened::failed;
    }
    if (!link.adopt(fd, host, handover, peer_timeout_ms(), why)) {
        daemon->close();
        link_failed(why);
        return Opened::failed;
    }
    return Opened::direct;
}

// An id the owner says is gone may be reused by a new structure elsewhere.
void DaemonCall::note_result(const proto::Reply& reply) {
    if (by_id_ && (reply.err == EINVAL || reply.err == EIDRM)) forget_owner(kind_, id_);
}

// The direct link broke or went silent (it closed itself; the next call
// opens a new one, which the local daemon refuses if the owner is gone).
bool DaemonCall::owner_lost() {
    forget_owner(kind_, id_);
    errno = EIDRM;
    return false;
}

bool DaemonCall::link_failed(const std::string& why) {
    report_unreachable(why);
    errno = ENOLINK;
    return false;
}

long reply_result(const proto::Reply& reply) {
    if (reply.err == 0) return static_cast<long>(reply.ret);
    if (reply.err == ENOLINK) report_daemon_enolink();
    errno = reply.err;
    return -1;
}

}  // namespace papers::dipc::client
