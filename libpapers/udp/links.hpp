// links.hpp — a rank's sockets, and every socket call of the udp backend
// (as nng keeps raw socket calls in its platform layer, apart from the
// protocol logic in the transport).
//
// Besides its main socket, a rank has one "link" socket per peer, bound to
// the same address and port and connected to that peer. Linux delivers a
// peer's datagrams to the link connected to it (the best match of the
// four-tuple) and everything else, from unknown addresses, to the main
// socket. Except in one window: between a link's bind and its connect it is
// an unconnected member of the port's SO_REUSEPORT group, and the kernel may
// queue there a datagram from any peer that already sends (under load, as
// two jobs at once showed: rank 1's datagram read from rank 0's link). So a
// link's receive checks the source and names the real sender. A connected socket sends without a route lookup per datagram:
// 0.5 us of the ~4 us a loopback datagram costs on the 2-core VM
// (docs/performance.md). It also lets a wait poll only the link of the peer
// it waits for. SO_REUSEPORT is on only while the sockets are bound, then
// cleared, so no other socket can join the port afterwards.
//
// Asio opens, binds and connects; the hot path calls send(2)/recv(2) on the
// links' descriptors directly: Asio's synchronous calls go through
// sendmsg/recvmsg, whose msghdr and iovec the kernel copies in on every
// call — 0.3-0.8 us more per exchange on the 2-core VM (raw C, alternating
// runs).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <poll.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "peers.hpp"

namespace papers::udp {

class Links {
public:
    // Opens and binds the main socket and the links of rank `me`. nullptr
    // on failure, with *code and the error message set. `after_bind(p)`, for
    // tests, runs in the window between link p's bind and its connect.
    static std::unique_ptr<Links> open(const std::vector<Peer>& peers, int me, int* code,
                                       const std::function<void(int)>& after_bind = {});

    // Sends one datagram to `dest` through its link. false when the kernel
    // refused it (the caller treats it as lost: the peer will ask again).
    bool send(int dest, const std::uint8_t* d, std::size_t n);

    enum class Got { datagram, stray, empty, noise };
    // One datagram from `peer`'s link, or empty; noise is an ICMP report
    // consumed instead of data. stray: a datagram from another address,
    // queued before the link was connected; *from is its sender.
    Got recv_link(int peer, std::uint8_t* buf, std::size_t cap, std::size_t* n,
                  boost::asio::ip::udp::endpoint* from);
    // One datagram from the main socket, with its sender's address.
    Got recv_main(std::uint8_t* buf, std::size_t cap, std::size_t* n,
                  boost::asio::ip::udp::endpoint* from);

    // Calls f(peer) for every socket that has data now (peer -1: the main
    // socket); the number of calls, 0 when nothing is readable.
    template <class F>
    int for_each_readable(F&& f) {
        if (::poll(pollfds_.data(), pollfds_.size(), 0) <= 0) return 0;
        int ready = 0;
        for (std::size_t i = 0; i < pollfds_.size(); ++i) {
            if (!pollfds_[i].revents) continue;
            ++ready;
            f(peer_of_pollfd(i));
        }
        return ready;
    }
    // Sleeps until a socket is readable or `timeout` (at most 1 s) passed.
    void wait_readable(std::chrono::nanoseconds timeout);

private:
    Links(int me) : me_(me), main_(io_) {}
    // pollfds_: the main socket, then the links in rank order without me_.
    int peer_of_pollfd(std::size_t i) const {
        if (i == 0) return -1;
        const int p = int(i) - 1;
        return p >= me_ ? p + 1 : p;
    }

    int me_;
    boost::asio::io_context io_;
    boost::asio::ip::udp::socket main_;                // unknown sources
    std::vector<boost::asio::ip::udp::socket> links_;  // [peer], connected to it
    std::vector<boost::asio::ip::udp::endpoint> peer_endpoints_;  // [peer]
    std::vector<pollfd> pollfds_;
};

}  // namespace papers::udp
