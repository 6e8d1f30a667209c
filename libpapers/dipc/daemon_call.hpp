// daemon_call.hpp — one SysV call's use of the daemon: a link of the calling
// thread (opened lazily), the layer's limits for the checks the kernel makes
// before its lookup, requests, and the translation of failures into the
// call's errno (ENOLINK with one stderr line when the daemon is unreachable
// or breaks the protocol, decision 11).
//
// A call on a DIPC id goes to the structure's owner (decision 13): the owner
// host comes from the process's cache (owner_cache.hpp, filled by whereis on
// the local daemon); a local owner is asked over the Unix socket as any
// call, another host on the thread's direct link to it (opened with
// link_open on first use). A direct link that breaks or goes silent means
// the owner is lost: the call fails with EIDRM (decision 11).
#pragma once
#include <pthread.h>

#include <cerrno>
#include <new>
#include <string>

#include "client_state.hpp"
#include "unix_socket.hpp"

namespace papers::dipc::client {

class DaemonCall {
public:
    // Leases a link and opens it if needed. False with errno set: ENOLINK
    // (reported once per process), or ENOMEM when kLinksPerThread calls are
    // already nested on this thread.
    bool open();
    // For a call on the DIPC id `id`: its ask()s go to the id's owner. Opens
    // what the call's checks before its lookup need (the layer's limits):
    // nothing more when the owner is known to be another host, else the
    // local daemon's link as open(). Routing failures come with the first
    // ask(), after those checks, as the kernel's lookup comes after them.
    bool open_for(proto::Kind kind, std::int32_t id);
    // For a DSM read miss (docs/dipc-design.md, "Direct read fetch"): the
    // thread's direct link to the owner (home) of `id`, opened if needed;
    // null when the owner is this host, unknown, or the thread's direct
    // links are busy (a nested call), or on any failure: then the caller
    // asks its daemon as before.
    DirectLink* direct_to_owner(proto::Kind kind, std::int32_t id);
    // The layer's limits (valid after open() or open_for()).
    const proto::Limits& limits() const { return layer_limits(*lease_.link()); }

    // One request and its reply: to the owner after open_for(), else to the
    // local daemon. False with errno = ENOLINK when the daemon's link broke,
    // EIDRM when the owner's direct link did (or the owner is gone).
    // `passed_fd` as Link::call (local daemon only): a descriptor sent with
    // the reply, the caller's.
    template <class Req>
    bool ask(proto::Op op, const Req& req, bool cancellable, proto::Reply& reply, int* passed_fd = nullptr) {
        cancellable_ = cancellable;
        if (routing_ && !route()) return false;
        std::string why;
        if (direct_) {
            if (!direct_->call(op, req, cancellable, reply, why)) return owner_lost();
        } else if (!call_daemon(op, req, cancellable, reply, passed_fd)) {
            return false;
        }
        note_result(reply);
        return true;
    }
    // A request for the local daemon even after open_for() (*_STAT by index).
    template <class Req>
    bool ask_daemon(proto::Op op, const Req& req, proto::Reply& reply) {
        return call_daemon(op, req, false, reply, nullptr);
    }

    // Decodes a successful reply's payload; a malformed one is a protocol
    // error (link closed; ENOLINK, or EIDRM on a direct link).
    template <class T>
    bool payload(const proto::Reply& reply, T& out) {
        const char* bad = nullptr;
        if (proto::decode_payload(reply.payload, out, &bad)) return true;
        if (direct_) {
            direct_->close();
            return owner_lost();
        }
        lease_.link()->close();
        return link_failed(std::string("protocol error in a reply's payload: ") + bad);
    }

private:
    // On the local daemon's link; one it closed while idle (it restarted)
    // refuses the request before it goes out: then a new link, once.
    template <class Req>
    bool call_daemon(proto::Op op, const Req& req, bool cancellable, proto::Reply& reply, int* passed_fd) {
        if (!daemon_open_ && !open()) return false;
        std::string why;
        for (bool retried = false;; retried = true) {
            Link* link = lease_.link();
            // Routing a call that could block: a signal now is that call's EINTR.
            if (routing_now_ && cancellable_) link->abandon_on_signal();
            if (link->call(op, req, cancellable, reply, why, passed_fd)) return true;
            if (link->interrupted()) {
                errno = EINTR;
                return false;
            }
            if (retried || !link->refused_request()) return link_failed(why);
            if (!reopen()) return false;
        }
    }
    bool reopen();
    enum class Opened { direct, through_daemon, refused, failed };
    bool route();
    Opened open_direct(DirectLink& link, std::uint32_t host);
    void note_result(const proto::Reply& reply);
    bool owner_lost();
    bool link_failed(const std::string& why);

    LinkLease lease_;
    bool daemon_open_ = false;  // the lease's link is open, under the current credentials
    DirectLease direct_lease_;
    DirectLink* direct_ = nullptr;
    bool routing_ = false;      // open_for() was called and no ask() has routed yet
    bool routing_now_ = false;  // inside route(): whereis, link_open
    bool cancellable_ = false;  // the call being made may block at the owner
    bool by_id_ = false;        // asks name `id_` (its cache entry is dropped when gone)
    proto::Kind kind_ = proto::Kind::sem;
    std::int32_t id_ = 0;
    int refused_err_ = 0;
};

// The call's return value from a reply: ret, or -1 with errno = err (an
// ENOLINK from the daemon, which could not reach a peer, is reported once).
long reply_result(const proto::Reply& reply);

// Runs a DIPC call's body: thread cancellation off while the link is in use
// (a half-exchanged link cannot be unwound), allocation failure as ENOMEM,
// and errno left as it was on success, as the C library does.
template <class F>
auto guarded(F&& body) noexcept -> decltype(body()) {
    int saved_errno = errno;
    int cancel_state;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
    sock::SignalWindow signals;  // see unix_socket.hpp: signals reach only a cancellable wait
    decltype(body()) r;
    try {
        r = body();
    } catch (...) {  // std::bad_alloc: nothing else throws here
        errno = ENOMEM;
        r = -1;
    }
    int e = r < 0 ? errno : saved_errno;
    pthread_setcancelstate(cancel_state, nullptr);
    errno = e;
    return r;
}

}  // namespace papers::dipc::client
