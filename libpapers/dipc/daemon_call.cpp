#include "daemon_call.hpp"

#include "unix_socket.hpp"

namespace papers::dipc::client {

bool DaemonCall::open() {
    Link* link = lease_.link();
    if (!link) {
        errno = ENOMEM;  // signal handlers nested kLinksPerThread deep, each in a DIPC call
        return false;
    }
    // A daemon that restarted since the last call closed this link: open a
    // new one rather than fail the call.
    if (link->is_open() && !sock::idle_peer_gone(link->fd())) return true;
    link->close();
    track_thread_links();
    std::string why;
    if (!link->open(config().socket_path, why)) return link_failed(why);
    remember_welcome(link->welcome());
    return true;
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
