// daemon_call.hpp — one SysV call's use of the daemon: a link of the calling
// thread (opened lazily), the layer's limits for the checks the kernel makes
// before its lookup, requests, and the translation of failures into the
// call's errno (ENOLINK with one stderr line when the daemon is unreachable
// or breaks the protocol, decision 11).
#pragma once
#include <pthread.h>

#include <cerrno>
#include <new>
#include <string>

#include "client_state.hpp"

namespace papers::dipc::client {

class DaemonCall {
public:
    // Leases a link and opens it if needed. False with errno set: ENOLINK
    // (reported once per process), or ENOMEM when kLinksPerThread calls are
    // already nested on this thread.
    bool open();
    // The layer's limits (valid after open()).
    const proto::Limits& limits() const { return layer_limits(*lease_.link()); }

    // One request and its reply; false with errno = ENOLINK when the link broke.
    // `passed_fd` as Link::call: a descriptor sent with the reply, the caller's.
    template <class Req>
    bool ask(proto::Op op, const Req& req, bool cancellable, proto::Reply& reply, int* passed_fd = nullptr) {
        std::string why;
        if (lease_.link()->call(op, req, cancellable, reply, why, passed_fd)) return true;
        return link_failed(why);
    }

    // Decodes a successful reply's payload; a malformed one is a protocol
    // error (link closed, ENOLINK).
    template <class T>
    bool payload(const proto::Reply& reply, T& out) {
        const char* bad = nullptr;
        if (proto::decode_payload(reply.payload, out, &bad)) return true;
        lease_.link()->close();
        return link_failed(std::string("protocol error in a reply's payload: ") + bad);
    }

private:
    bool link_failed(const std::string& why);
    LinkLease lease_;
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
