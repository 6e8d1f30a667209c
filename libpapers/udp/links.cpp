#include "links.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <string>

#include "../core/error.hpp"
#include "papers/papers.h"

namespace papers::udp {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Asio has no name for SO_REUSEPORT; this is how its own options are made.
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// Opens `s` on `self`'s protocol, joinable by the rank's other sockets
// while they bind. Large buffers absorb a window from a peer or two while
// we compute; the kernel clamps them to net.core.[rw]mem_max, and failure
// there is harmless.
void open_shared(udp::socket& s, const udp::endpoint& self, boost::system::error_code& ec) {
    s.open(self.protocol(), ec);
    if (ec) return;
    s.set_option(reuse_port(true), ec);
    if (ec) return;
    boost::system::error_code ignored;
    s.set_option(udp::socket::receive_buffer_size(4 << 20), ignored);
    s.set_option(udp::socket::send_buffer_size(4 << 20), ignored);
}

}  // namespace

std::unique_ptr<Links> Links::open(const std::vector<Peer>& peers, int me, int* code,
                                   const std::function<void(int)>& after_bind) {
    std::unique_ptr<Links> l(new Links(me));
    for (const Peer& p : peers) l->peer_endpoints_.push_back(p.endpoint);
    const Peer& self = peers[me];
    const int size = static_cast<int>(peers.size());
    boost::system::error_code ec;
    open_shared(l->main_, self.endpoint, ec);
    if (ec) {
        *code = set_error(PAPERS_ESYS, "udp: cannot open a UDP socket: " + ec.message());
        return nullptr;
    }
    l->main_.bind(self.endpoint, ec);
    if (ec) {
        std::string hint;
        if (ec == asio::error::address_in_use)
            hint = " (another program or job uses this port: pick other ports in PAPERS_HOSTS)";
        else if (ec == boost::system::errc::address_not_available)
            hint = " (not an address of this machine: PAPERS_HOSTS entry " + std::to_string(me) +
                   " must name the host rank " + std::to_string(me) + " runs on)";
        *code = set_error(ec == asio::error::address_in_use ? PAPERS_EBUSY : PAPERS_ENODEV,
                          "udp: rank " + std::to_string(me) + " cannot bind its UDP socket to " +
                              self.label + ": " + ec.message() + hint);
        return nullptr;
    }
    for (int p = 0; p < size; ++p) {
        l->links_.emplace_back(l->io_);
        if (p == me) continue;
        udp::socket& link = l->links_.back();
        open_shared(link, self.endpoint, ec);
        if (!ec) link.bind(self.endpoint, ec);
        if (!ec && after_bind) after_bind(p);
        if (!ec) link.connect(peers[p].endpoint, ec);
        if (ec) {
            *code = set_error(PAPERS_ESYS, "udp: rank " + std::to_string(me) +
                                               " cannot open its socket for rank " +
                                               std::to_string(p) + " (" + peers[p].label +
                                               "): " + ec.message());
            return nullptr;
        }
    }
    // Bound: from now on no other socket may join the port.
    l->pollfds_.push_back({l->main_.native_handle(), POLLIN, 0});
    for (int p = 0; p < size; ++p) {
        udp::socket& sock = p == me ? l->main_ : l->links_[p];
        sock.set_option(reuse_port(false), ec);
        if (!ec) sock.non_blocking(true, ec);
        if (ec) {
            *code = set_error(PAPERS_ESYS, "udp: cannot set up the sockets: " + ec.message());
            return nullptr;
        }
        if (p != me) l->pollfds_.push_back({sock.native_handle(), POLLIN, 0});
    }
    return l;
}

bool Links::send(int dest, const std::uint8_t* d, std::size_t n) {
    const int fd = links_[dest].native_handle();
    ssize_t sent = ::send(fd, d, n, 0);
    // A connected socket reports an ICMP "port unreachable" for an earlier
    // datagram (a peer not yet started) on its next call, which then sends
    // nothing: the report is consumed, try once more.
    if (sent < 0 && errno == ECONNREFUSED) sent = ::send(fd, d, n, 0);
    return sent >= 0;
}

Links::Got Links::recv_link(int peer, std::uint8_t* buf, std::size_t cap, std::size_t* n,
                            udp::endpoint* from) {
    // recvfrom(2), not Asio's receive_from: see the header (recvmsg's copies).
    udp::endpoint src;
    socklen_t len = static_cast<socklen_t>(src.capacity());
    const ssize_t got = ::recvfrom(links_[peer].native_handle(), buf, cap, 0, src.data(), &len);
    if (got < 0) return errno == ECONNREFUSED ? Got::noise : Got::empty;  // else EAGAIN
    *n = static_cast<std::size_t>(got);
    src.resize(len);
    if (src == peer_endpoints_[peer]) return Got::datagram;
    *from = src;
    return Got::stray;
}

Links::Got Links::recv_main(std::uint8_t* buf, std::size_t cap, std::size_t* n,
                            udp::endpoint* from) {
    boost::system::error_code ec;
    *n = main_.receive_from(asio::buffer(buf, cap), *from, 0, ec);
    if (ec == asio::error::connection_refused) return Got::noise;
    return ec ? Got::empty : Got::datagram;  // would_block: empty
}

void Links::wait_readable(std::chrono::nanoseconds timeout) {
    if (timeout.count() <= 0) return;
    const auto ns = std::min<std::chrono::nanoseconds>(timeout, std::chrono::seconds(1)).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    ::ppoll(pollfds_.data(), pollfds_.size(), &ts, nullptr);
}

}  // namespace papers::udp
