#include "transport.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <new>
#include <sstream>

#include "../core/error.hpp"
#include "papers/papers.h"

namespace papers::udp {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;

namespace {

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

std::string fmt_s(double s) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(s < 10 ? 2 : 1) << s << " s";
    return o.str();
}

}  // namespace

Transport::Transport(const TransportSetup& s)
    : me_(s.rank), n_(s.size), peers_(s.peers), mac_(s.key), ex_{s.job, s.size, s.rank},
      stride_(static_cast<std::uint32_t>(s.datagram_bytes - kOverhead)),
      spin_polls_(s.spin_polls), oversubscribed_(s.oversubscribed),
      spin_time_(50us), long_spin_time_(20ms),
      timeout_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.timeout_s))),
      rto_min_(s.rto_min), rto_max_(s.rto_max),
      socket_(io_), rx_(65536), tx_(kMaxDatagram), last_heard_(s.size), heard_(s.size, false),
      bad_mac_from_(s.size, 0), stall_waits_for_(s.size, -1), stall_op_(s.size, 0),
      done_from_(s.size, false) {
    const auto period = std::chrono::duration<double>(s.timeout_s / 8);
    gossip_period_ = std::clamp<Clock::duration>(
        std::chrono::duration_cast<Clock::duration>(period), 20ms, 1000ms);
    progress_period_ = std::clamp<Clock::duration>(
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.timeout_s / 20)),
        5ms, 50ms);
    if (s.faults)
        faults_ = std::make_unique<FaultInjector>(
            *s.faults, s.rank,
            [this](const std::uint8_t* d, std::size_t n, int dest) { raw_send(d, n, dest); });
}

Transport::~Transport() { stop_progress(); }

// ---- progress while the application computes ----------------------------------

void Transport::start_progress() {
    if (progress_thread_) return;
    progress_pid_ = ::getpid();
    progress_thread_ = std::make_unique<std::thread>([this] { progress_loop(); });
}

void Transport::stop_progress() {
    if (!progress_thread_) return;
    if (::getpid() != progress_pid_) {  // forked: the thread stayed in the parent
        (void)progress_thread_.release();  // nothing to join; never touched again
        return;
    }
    {
        std::lock_guard<std::mutex> g(stop_mu_);
        stop_ = true;
    }
    stop_cv_.notify_all();
    progress_thread_->join();
    progress_thread_.reset();
}

void Transport::progress_loop() {
    for (;;) {
        {
            std::unique_lock<std::mutex> s(stop_mu_);
            if (stop_cv_.wait_for(s, progress_period_, [this] { return stop_; })) return;
        }
        std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
        if (!lock) continue;  // inside a call: the application thread drains
        if (calls_ != calls_seen_) {  // between calls of a busy loop
            calls_seen_ = calls_;
            continue;
        }
        drain_all();  // answers REQs; data of coming operations waits in the inbox
        if (faults_) faults_->release_due(Clock::now());
    }
}

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
    s.set_option(reuse_port(true), ec);  // see transport.hpp
    if (ec) return;
    boost::system::error_code ignored;
    s.set_option(udp::socket::receive_buffer_size(4 << 20), ignored);
    s.set_option(udp::socket::send_buffer_size(4 << 20), ignored);
}

}  // namespace

std::unique_ptr<Transport> Transport::open(const TransportSetup& s, int* code) {
    std::unique_ptr<Transport> t(new Transport(s));
    const Peer& self = s.peers[s.rank];
    boost::system::error_code ec;
    open_shared(t->socket_, self.endpoint, ec);
    if (ec) {
        *code = set_error(PAPERS_ESYS, "udp: cannot open a UDP socket: " + ec.message());
        return nullptr;
    }
    t->socket_.bind(self.endpoint, ec);
    if (ec) {
        std::string hint;
        if (ec == asio::error::address_in_use)
            hint = " (another program or job uses this port: pick other ports in PAPERS_HOSTS)";
        else if (ec == boost::system::errc::address_not_available)
            hint = " (not an address of this machine: PAPERS_HOSTS entry " + std::to_string(s.rank) +
                   " must name the host rank " + std::to_string(s.rank) + " runs on)";
        *code = set_error(ec == asio::error::address_in_use ? PAPERS_EBUSY : PAPERS_ENODEV,
                          "udp: rank " + std::to_string(s.rank) + " cannot bind its UDP socket to " +
                              self.label + ": " + ec.message() + hint);
        return nullptr;
    }
    for (int p = 0; p < s.size; ++p) {
        t->links_.emplace_back(t->io_);
        if (p == s.rank) continue;
        udp::socket& link = t->links_.back();
        open_shared(link, self.endpoint, ec);
        if (!ec) link.bind(self.endpoint, ec);
        if (!ec) link.connect(s.peers[p].endpoint, ec);
        if (ec) {
            *code = set_error(PAPERS_ESYS, "udp: rank " + std::to_string(s.rank) +
                                               " cannot open its socket for rank " + std::to_string(p) +
                                               " (" + s.peers[p].label + "): " + ec.message());
            return nullptr;
        }
    }
    // Bound: from now on no other socket may join the port.
    t->pollfds_.push_back({t->socket_.native_handle(), POLLIN, 0});
    for (int p = 0; p < s.size; ++p) {
        udp::socket& sock = p == s.rank ? t->socket_ : t->links_[p];
        sock.set_option(reuse_port(false), ec);
        if (!ec) sock.non_blocking(true, ec);
        if (ec) {
            *code = set_error(PAPERS_ESYS, "udp: cannot set up the sockets: " + ec.message());
            return nullptr;
        }
        if (p != s.rank) t->pollfds_.push_back({sock.native_handle(), POLLIN, 0});
    }
    return t;
}

// ---- operation framing ----------------------------------------------------

void Transport::begin_op(OpKind kind, const char* api) {
    cur_kind_ = kind;
    cur_api_ = api;
    in_op_ = true;
    progress_ = false;
    if (const Incoming* other = inbox_.other_kind(cur_op_, kind); other && !pending_error_) {
        pending_error_ = PAPERS_EMISMATCH;
        pending_msg_ = std::string(api) + ": rank " + std::to_string(other->peer) +
                       " is in a udp " + opkind_name(other->opkind) +
                       " where this rank is in a udp " + opkind_name(kind) + " (operation #" +
                       std::to_string(cur_op_) + "): the ranks called different collectives";
    }
}

void Transport::end_op(bool full) {
    inbox_.erase_through(cur_op_);
    if (full) outbox_.erase_before(cur_op_);
    ++cur_op_;
    in_op_ = false;
}

// ---- sending ----------------------------------------------------------------

// The hot path calls send(2)/recv(2) on the links' descriptors: Asio's
// synchronous calls go through sendmsg/recvmsg, whose msghdr and iovec the
// kernel copies in on every call — 0.3-0.8 us more per exchange on the
// 2-core VM (raw C, alternating runs). Asio still opens, binds and connects.
void Transport::raw_send(const std::uint8_t* d, std::size_t n, int dest) {
    const int fd = links_[dest].native_handle();
    ssize_t sent = ::send(fd, d, n, 0);
    // A connected socket reports an ICMP "port unreachable" for an earlier
    // datagram (a peer not yet started) on its next call, which then sends
    // nothing: the report is consumed, try once more.
    if (sent < 0 && errno == ECONNREFUSED) sent = ::send(fd, d, n, 0);
    if (sent < 0)
        ++counters_.send_errors;  // treated like a lost datagram: the peer asks again
    else
        ++counters_.sent;
}

void Transport::transmit(const std::uint8_t* d, std::size_t n, int dest) {
    if (faults_)
        faults_->submit(d, n, dest);
    else
        raw_send(d, n, dest);
}

void Transport::send_fragment(const Outgoing& o, std::uint32_t frag) {
    Header h;
    h.kind = Kind::data;
    h.opkind = o.opkind;
    h.round = o.round;
    h.sender = static_cast<std::uint16_t>(me_);
    h.receiver = o.dest;
    h.payload_len = fragment_length(o.len, o.stride, frag);
    h.job = ex_.job;
    h.op = o.op;
    h.total = o.len;
    h.frag = frag;
    h.stride = o.stride;
    encode_header(h, tx_.data());
    if (h.payload_len) std::memcpy(tx_.data() + kHeaderBytes, o.fragment(frag), h.payload_len);
    const std::size_t body = kHeaderBytes + h.payload_len;
    mac_.compute(tx_.data(), body, tx_.data() + body);
    transmit(tx_.data(), body + kMacBytes, o.dest);
}

void Transport::send_control(Kind kind, int dest, std::uint64_t op, std::uint8_t round,
                             const std::uint8_t* payload, std::uint32_t len) {
    Header h;
    h.kind = kind;
    h.opkind = kind == Kind::done ? OpKind::final : cur_kind_;
    h.round = round;
    h.sender = static_cast<std::uint16_t>(me_);
    h.receiver = static_cast<std::uint16_t>(dest);
    h.payload_len = len;
    h.job = ex_.job;
    h.op = op;
    encode_header(h, tx_.data());
    if (len) std::memcpy(tx_.data() + kHeaderBytes, payload, len);
    const std::size_t body = kHeaderBytes + len;
    mac_.compute(tx_.data(), body, tx_.data() + body);
    transmit(tx_.data(), body + kMacBytes, dest);
}

void Transport::send_req(int dest, std::uint8_t round, std::uint32_t base, std::uint32_t nbits,
                         const std::vector<std::uint8_t>& bits) {
    std::uint8_t p[kReqFixedBytes + kMaxReqBits / 8];
    put_u32(p, base);
    put_u32(p + 4, nbits);
    const std::uint32_t nbytes = (nbits + 7) / 8;
    std::memset(p + kReqFixedBytes, 0, nbytes);
    for (std::uint32_t i = 0; i < nbits; ++i)
        if (bits[i]) p[kReqFixedBytes + i / 8] |= std::uint8_t(1u << (i % 8));
    ++counters_.reqs_sent;
    send_control(Kind::req, dest, cur_op_, round, p, kReqFixedBytes + nbytes);
}

void Transport::send_done(int dest) { send_control(Kind::done, dest, final_op_, 0, nullptr, 0); }

void Transport::post(std::uint8_t round, int dest, Payload buf, std::size_t offset,
                     std::uint64_t len) {
    Outgoing o;
    o.op = cur_op_;
    o.round = round;
    o.opkind = cur_kind_;
    o.dest = static_cast<std::uint16_t>(dest);
    o.buf = std::move(buf);
    o.offset = offset;
    o.len = len;
    o.stride = stride_;
    const Outgoing& kept = outbox_.add(std::move(o));
    // Push the first window; the receiver pulls the rest (flow control).
    const std::uint32_t push = std::min(kept.count(), window_fragments(stride_));
    for (std::uint32_t f = 0; f < push; ++f) send_fragment(kept, f);
}

void Transport::post(std::uint8_t round, int dest, Bytes bytes) {
    const std::uint64_t len = bytes.size();
    Payload p = len ? std::make_shared<const Bytes>(std::move(bytes)) : nullptr;
    post(round, dest, std::move(p), 0, len);
}

// ---- receiving --------------------------------------------------------------

int Transport::sender_of(const udp::endpoint& from, const std::uint8_t* d, std::size_t n) const {
    if (n >= 10) {  // fast path: the rank the header claims
        const int claimed = get_u16(d + 8);
        if (claimed < n_ && peers_[claimed].endpoint == from) return claimed;
    }
    for (int r = 0; r < n_; ++r)
        if (peers_[r].endpoint == from) return r;
    return -1;
}

int Transport::drain_socket(udp::socket& sock, int peer) {
    int handled = 0;
    for (int i = 0; i < 4096; ++i) {
        udp::endpoint from;
        std::size_t n = 0;
        if (peer >= 0) {  // a link: recv(2), see raw_send
            const ssize_t got = ::recv(sock.native_handle(), rx_.data(), rx_.size(), 0);
            if (got < 0 && errno == ECONNREFUSED) continue;  // ICMP noise, not data
            if (got < 0) break;                              // EAGAIN: empty
            n = static_cast<std::size_t>(got);
        } else {
            boost::system::error_code ec;
            n = sock.receive_from(asio::buffer(rx_), from, 0, ec);
            if (ec == asio::error::connection_refused) continue;
            if (ec) break;  // would_block: empty
        }
        ++counters_.received;
        ++handled;
        handle(rx_.data(), n, peer >= 0 ? peer : sender_of(from, rx_.data(), n));
        // New data of this operation: let the caller look before another
        // (probably empty) receive call; the next drain takes the rest.
        if (progress_) break;
    }
    return handled;
}

int Transport::drain_waited(std::span<const Expect> expects) {
    int handled = 0;
    for (const Expect& e : expects) {
        const Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (!m || !m->complete()) handled += drain_socket(links_[e.peer], e.peer);
        if (progress_) break;
    }
    return handled;
}

int Transport::drain_all() {
    if (::poll(pollfds_.data(), pollfds_.size(), 0) <= 0) return 0;
    int handled = 0;
    for (std::size_t i = 0; i < pollfds_.size(); ++i) {
        if (!pollfds_[i].revents) continue;
        // pollfds_: the main socket, then the links in rank order without me_.
        const int peer = i == 0 ? -1 : int(i) - 1 + (int(i) - 1 >= me_ ? 1 : 0);
        handled += drain_socket(peer < 0 ? socket_ : links_[peer], peer);
    }
    return handled;
}

void Transport::handle(const std::uint8_t* d, std::size_t n, int src) {
    if (src < 0 || src == me_) {
        ++counters_.unknown_source;
        return;
    }
    Header h;
    const std::uint8_t* payload = nullptr;
    switch (parse_datagram(d, n, mac_, ex_, h, payload)) {
        case Verdict::ok: break;
        case Verdict::malformed: ++counters_.malformed; return;
        case Verdict::bad_mac:
            ++counters_.bad_mac;
            ++bad_mac_from_[src];
            return;
        case Verdict::wrong_job: ++counters_.wrong_job; return;
    }
    if (h.sender != src) {  // authentic, but relayed from another rank's address
        ++counters_.malformed;
        return;
    }
    last_heard_[src] = Clock::now();
    heard_[src] = true;
    switch (h.kind) {
        case Kind::data: {
            if (final_done_ && h.op == final_op_) {
                // The peer resends its final message: it lacks our DONE.
                ++counters_.late;
                send_done(src);
                return;
            }
            if (h.op < cur_op_) {
                ++counters_.late;
                return;
            }
            if (h.op > cur_op_ + kAheadLimit) {  // no honest peer can be this far ahead
                ++counters_.malformed;
                return;
            }
            if (in_op_ && h.op == cur_op_ && h.opkind != cur_kind_) {
                if (!pending_error_) {
                    pending_error_ = PAPERS_EMISMATCH;
                    pending_msg_ = std::string(cur_api_) + ": rank " + std::to_string(src) +
                                   " is in a udp " + opkind_name(h.opkind) +
                                   " where this rank is in a udp " + opkind_name(cur_kind_) +
                                   " (operation #" + std::to_string(cur_op_) +
                                   "): the ranks called different collectives";
                }
                return;
            }
            try {
                switch (inbox_.add(h, payload)) {
                    case Inbox::Added::fresh:
                        if (h.op == cur_op_) progress_ = true;
                        break;
                    case Inbox::Added::duplicate: ++counters_.duplicate; break;
                    case Inbox::Added::inconsistent: ++counters_.malformed; break;
                }
            } catch (const std::bad_alloc&) {
                if (!pending_error_) {
                    pending_error_ = PAPERS_ENOMEM;
                    pending_msg_ = std::string(cur_api_) + ": udp: no memory for a " +
                                   std::to_string(h.total) + "-byte message from rank " +
                                   std::to_string(src);
                }
            }
            return;
        }
        case Kind::req:
            ++counters_.reqs_received;
            answer_req(h, payload);
            return;
        case Kind::done:
            if (h.op == final_op_) done_from_[src] = true;
            return;
        case Kind::stall: {
            const std::uint16_t w = get_u16(payload);
            stall_waits_for_[src] = w == kNoRank ? -1 : int(w);
            stall_op_[src] = h.op;
            return;
        }
    }
}

void Transport::answer_req(const Header& h, const std::uint8_t* payload) {
    const Outgoing* o = outbox_.find(h.op, h.round, h.sender);
    if (!o) return;  // not sent yet (we are behind: it goes out when we get there)
    const std::uint32_t count = o->count();
    const std::uint32_t window = window_fragments(o->stride);
    const ReqView req{get_u32(payload), get_u32(payload + 4), payload + kReqFixedBytes};
    std::uint32_t sent = 0;
    if (req.nbits == 0) {  // the peer has nothing yet: the first window again
        for (std::uint32_t f = 0; f < count && f < window; ++f, ++sent) send_fragment(*o, f);
    } else {
        for (std::uint32_t i = 0; i < req.nbits && sent < window; ++i) {
            const std::uint64_t f = std::uint64_t(req.base) + i;
            if (f >= count) break;
            if (req.wants(i)) {
                send_fragment(*o, static_cast<std::uint32_t>(f));
                ++sent;
            }
        }
    }
    counters_.fragments_resent += sent;
}

// ---- waiting ----------------------------------------------------------------

bool Transport::spin_more(long& polls, Clock::time_point now, Clock::time_point spin_end) {
    if (spin_polls_ >= 0) {
        if (polls <= 0) return false;
        --polls;
    } else if (now >= spin_end) {
        return false;
    }
    // More ranks than cores: let the rank we wait for have the CPU.
    if (oversubscribed_) sched_yield();
    return true;
}

void Transport::block_until(Clock::time_point t) {
    const auto now = Clock::now();
    if (t <= now) return;
    auto d = std::min<Clock::duration>(t - now, 1s);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    ::ppoll(pollfds_.data(), pollfds_.size(), &ts, nullptr);
}

void Transport::pull_windows(std::span<const Expect> expects) {
    for (const Expect& e : expects) {
        Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (!m || m->complete() || m->pulled >= m->count) continue;
        const std::uint32_t w = window_fragments(m->stride);
        if (m->received + w / 2 < m->pulled) continue;  // more than half a window in flight
        const std::uint32_t nbits = std::min(w, m->count - m->pulled);
        send_req(e.peer, e.round, m->pulled, nbits, std::vector<std::uint8_t>(nbits, 1));
        m->pulled += nbits;
    }
}

void Transport::request_missing(std::span<const Expect> expects) {
    for (const Expect& e : expects) {
        Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (m && m->complete()) continue;
        if (!m) {  // nothing yet: ask for the first window
            send_req(e.peer, e.round, 0, 0, {});
            continue;
        }
        const std::uint32_t w = window_fragments(m->stride);
        const std::uint32_t base = m->first_missing();
        const std::uint32_t limit = std::max(m->pulled, std::min(m->count, base + 1));
        std::vector<std::uint8_t> bits;
        std::uint32_t wanted = 0;
        for (std::uint32_t f = base; f < limit && wanted < w && bits.size() < kMaxReqBits; ++f) {
            bits.push_back(m->have[f] ? 0 : 1);
            wanted += m->have[f] ? 0 : 1;
        }
        while (!bits.empty() && !bits.back()) bits.pop_back();
        send_req(e.peer, e.round, base, static_cast<std::uint32_t>(bits.size()), bits);
    }
}

void Transport::gossip_stall(int waiting_for, std::uint8_t round) {
    std::uint8_t p[kStallBytes] = {};
    put_u16(p, waiting_for < 0 ? kNoRank : std::uint16_t(waiting_for));
    p[2] = round;
    for (int r = 0; r < n_; ++r)
        if (r != me_) send_control(Kind::stall, r, cur_op_, round, p, kStallBytes);
}

int Transport::wait_one(int peer, std::uint8_t round, std::uint64_t len) {
    const Expect e{peer, round, len};
    return wait(std::span<const Expect>(&e, 1));
}

int Transport::wait(std::span<const Expect> expects) {
    // Timers start at the first miss: a message that is already here costs
    // no clock reading.
    bool started = false, spun_out = false;
    Clock::time_point start{}, now{}, deadline{}, next_req{}, next_gossip{}, spin_end{};
    auto rto = rto_min_;
    long polls = spin_polls_;
    progress_ = false;
    // Mostly only the links of the messages we wait for are polled; every
    // socket (REQs from peers we do not wait for, strangers) is swept after
    // every 8th burst of 8 polls, after blocking, and at the start of every
    // 64th wait.
    bool sweep = (++waits_ & 63) == 0;
    unsigned bursts = 0;
    for (;;) {
        if (sweep)
            drain_all();
        else
            drain_waited(expects);
        sweep = false;
        if (pending_error_) return set_error(pending_error_, pending_msg_);
        const Expect* missing = nullptr;
        for (const Expect& e : expects) {
            const Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
            if (!m || !m->complete()) {
                missing = &e;
                break;
            }
        }
        if (!missing) {
            last_wait_ = started ? Clock::now() - start : Clock::duration::zero();
            return check_expected(expects);
        }
        now = Clock::now();
        if (!started) {
            started = true;
            start = now;
            deadline = start + timeout_;
            next_req = start + rto;
            next_gossip = start + gossip_period_;
            // Spin long while waits stay short (fine-grained synchronisation:
            // a descheduled peer is back within a few ms, and waking from a
            // blocked wait costs tens of microseconds on a busy machine);
            // after a wait that outlasted the long spin (the peer computes),
            // spin briefly.
            const bool long_spin = !oversubscribed_ && last_wait_ < long_spin_time_;
            spin_end = start + (long_spin ? long_spin_time_ : spin_time_);
        }
        if (faults_) faults_->release_due(now);
        const bool fresh = progress_;
        if (fresh) {  // data flows: keep the retransmit timer short, pull the next window
            progress_ = false;
            rto = rto_min_;
            next_req = now + rto;
            pull_windows(expects);
        }
        if (now >= next_req) {
            request_missing(expects);
            rto = std::min(rto * 2, rto_max_);
            next_req = now + rto;
        }
        if (now >= next_gossip) {  // a long wait: tell everyone whom we wait for
            gossip_stall(missing->peer, missing->round);
            next_gossip = now + gossip_period_;
        }
        if (now >= deadline) return timeout_error(*missing, start);
        if (fresh) continue;  // more may be queued: look before yielding the CPU
        if (!spun_out && !spin_more(polls, now, spin_end)) {
            spun_out = true;
            last_wait_ = Clock::duration::max();  // it will be long: spin briefly next time
        }
        if (!spun_out) {
            // Tight polls: nothing can change until a datagram arrives, so
            // skip the bookkeeping above for a few of them.
            for (int k = 0; k < 8 && (spin_polls_ < 0 || polls > 0) && drain_waited(expects) == 0;
                 ++k) {
                if (spin_polls_ >= 0) --polls;
                if (oversubscribed_) sched_yield();
            }
            sweep = (++bursts & 7) == 0;
            continue;
        }
        auto until = std::min({next_req, next_gossip, deadline});
        if (faults_) until = std::min(until, faults_->next_due());
        block_until(until);
        sweep = true;
    }
}

int Transport::check_expected(std::span<const Expect> expects) {
    for (const Expect& e : expects) {
        const Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (m->total != e.len)
            return set_error(PAPERS_EMISMATCH,
                             std::string(cur_api_) + ": rank " + std::to_string(e.peer) + " sent " +
                                 std::to_string(m->total) + " bytes in round " +
                                 std::to_string(e.round) + " of a udp " + opkind_name(cur_kind_) +
                                 " (operation #" + std::to_string(cur_op_) + ") where this rank expected " +
                                 std::to_string(e.len) + ": the ranks passed different sizes, counts or roots");
    }
    return PAPERS_OK;
}

const Bytes& Transport::received(std::uint8_t round, int peer) {
    return inbox_.find(cur_op_, round, peer)->data;
}

// ---- diagnostics ------------------------------------------------------------

std::string Transport::peer_name(int r) const {
    return "rank " + std::to_string(r) + " (" + peers_[r].label + ")";
}

std::string Transport::silence_of(int r, Clock::time_point now) const {
    if (!heard_[r]) return "nothing heard from it since start-up";
    std::string s = "last heard from it " + fmt_s(seconds(now - last_heard_[r])) + " ago";
    if (stall_waits_for_[r] >= 0)
        s += ", when it was itself waiting for rank " + std::to_string(stall_waits_for_[r]);
    return s;
}

int Transport::timeout_error(const Expect& e, Clock::time_point started) {
    const auto now = Clock::now();
    std::ostringstream m;
    m << cur_api_ << ": udp " << opkind_name(cur_kind_) << " (operation #" << cur_op_ << ", round "
      << int(e.round) << ") timed out after " << fmt_s(seconds(now - started))
      << " waiting for " << peer_name(e.peer);
    if (const Incoming* part = inbox_.find(cur_op_, e.round, e.peer))
        m << " (" << part->received << " of " << part->count << " fragments arrived)";
    m << "; " << silence_of(e.peer, now);
    if (bad_mac_from_[e.peer])
        m << "; " << bad_mac_from_[e.peer]
          << " datagram(s) from its address failed the MAC check (a different PAPERS_KEY?)";
    if (counters_.wrong_job)
        m << "; " << counters_.wrong_job
          << " authentic datagram(s) carried another job id (PAPERS_JOB differs between ranks?)";
    // Live ranks that wait gossip every gossip period; a rank not heard for
    // three periods is silent: dead, stopped, or no longer calling papers.
    std::string silent;
    for (int r = 0; r < n_; ++r) {
        if (r == me_) continue;
        if (heard_[r] && now - last_heard_[r] < 3 * gossip_period_) continue;
        silent += (silent.empty() ? "" : ", ") + peer_name(r) + " " +
                  (heard_[r] ? "silent for " + fmt_s(seconds(now - last_heard_[r]))
                             : std::string("never heard from"));
    }
    if (!silent.empty())
        m << "; silent peer(s), dead or stopped: " << silent;
    else
        m << "; every peer is alive and waiting (mismatched collective calls?)";
    return set_error(PAPERS_ETIMEDOUT, m.str());
}

// ---- finalize -----------------------------------------------------------------

void Transport::linger(const std::vector<int>& sources, const std::vector<int>& targets,
                       double bound_s) {
    final_done_ = true;
    progress_ = false;
    for (int s : sources) {  // twice: a lost DONE costs the peer its linger bound
        send_done(s);
        send_done(s);
    }
    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(bound_s));
    auto rto = rto_min_;
    auto next_probe = start + rto;
    for (;;) {
        drain_all();
        bool all = true;
        for (int t : targets) all = all && done_from_[t];
        if (all) break;
        const auto now = Clock::now();
        if (faults_) faults_->release_due(now);
        if (now >= deadline) break;
        if (now >= next_probe) {
            // Re-send our final message to targets that have not said DONE:
            // either they need it, or they answer DONE.
            outbox_.for_each([&](const Outgoing& o) {
                if (o.op == final_op_ && !done_from_[o.dest]) send_fragment(o, 0);
            });
            rto = std::min(rto * 2, rto_max_);
            next_probe = now + rto;
        }
        auto until = std::min(deadline, next_probe);
        if (faults_) until = std::min(until, faults_->next_due());
        block_until(until);
    }
    for (int s : sources) send_done(s);  // a last chance for a peer that missed both
    if (faults_) faults_->release_due(Clock::time_point::max());
}

std::string Transport::report() const {
    std::ostringstream o;
    const Counters& c = counters_;
    o << "sent=" << c.sent << " received=" << c.received << " send_errors=" << c.send_errors
      << " unknown_source=" << c.unknown_source << " malformed=" << c.malformed
      << " bad_mac=" << c.bad_mac << " wrong_job=" << c.wrong_job << " late=" << c.late
      << " duplicate=" << c.duplicate << " reqs_sent=" << c.reqs_sent
      << " reqs_received=" << c.reqs_received << " resent=" << c.fragments_resent;
    if (faults_) {
        const FaultCounters& f = faults_->counters();
        o << " injected_drop=" << f.dropped << " injected_dup=" << f.duplicated
          << " injected_delay=" << f.delayed << " injected_reorder=" << f.reordered;
    }
    return o.str();
}

}  // namespace papers::udp
