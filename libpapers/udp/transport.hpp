// transport.hpp — reliable, authenticated rounds over a rank's UDP links.
//
// The algorithms (one file each) are written as rounds: post() the
// messages of a round, then wait() for the ones this rank expects. The
// transport makes that reliable without acknowledgements:
//   - the receiver knows exactly which (op, round, peer) messages it needs;
//     when one is missing after a retransmit timeout (1 ms, then 2 ms;
//     PAPERS_UDP_RTO) it sends that peer a REQ naming the missing fragments;
//   - the sender keeps every message it posted until it has proof that no
//     rank can still need it (see message_store.hpp) and answers REQs from
//     that store; a REQ for a message it has not reached yet is ignored,
//     because it will send it when it gets there;
//   - large messages are cut into fragments; the first 256 KiB go out at
//     once, the receiver pulls the rest a window at a time (flow control);
//   - duplicates, reordering and datagrams of finished operations are
//     harmless: fragments are stored by index, late ones are counted and
//     dropped.
// Every wait is bounded by PAPERS_TIMEOUT; the error names the silent peer.
//
// The class is one object; its parts live in one file each:
//   links.cpp                  the sockets and every socket call (Links)
//   transport.cpp              construction, the received-message accessors
//   transport_progress.cpp     the progress thread
//   transport_framing.cpp      operations (begin/end, the lock), mismatches
//   transport_send.cpp         post, header + MAC, the fault injector
//   transport_dispatch.cpp     draining sockets, judging each datagram
//   transport_retransmit.cpp   REQs: answering, pulling windows, asking again
//   transport_wait.cpp         the wait policy: spin, poll, block
//   transport_diagnostics.cpp  timeouts that name the silent peer, counters
//   transport_linger.cpp       finalize: serve peers until they are done
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "fault_injector.hpp"
#include "links.hpp"
#include "mac.hpp"
#include "message_store.hpp"
#include "peers.hpp"
#include "run_ahead.hpp"
#include "wire_format.hpp"

namespace papers::udp {

// What a hostile or broken network did to us, and what we did about it.
struct Counters {
    std::uint64_t sent = 0, received = 0, send_errors = 0;
    std::uint64_t unknown_source = 0;  // not from any rank's host:port
    std::uint64_t malformed = 0;       // bad structure or fields (incl. truncated)
    std::uint64_t bad_mac = 0;         // failed authentication (wrong key, forged, corrupted)
    std::uint64_t wrong_job = 0;       // authentic but another job's
    std::uint64_t late = 0;            // data of an operation this rank has finished (replays too)
    std::uint64_t duplicate = 0;       // a fragment we already had
    std::uint64_t reqs_sent = 0, reqs_received = 0, fragments_resent = 0;
    std::uint64_t reqs_limited = 0;  // REQs not answered: the same one was answered just before
    std::uint64_t deferred = 0;      // fragments of not yet expected messages over the memory budget
    std::uint64_t stray_on_link = 0; // another peer's datagram queued on a link before its connect
};

struct TransportSetup {
    int rank = 0, size = 1;
    std::vector<Peer> peers;
    Key key{};
    std::uint64_t job = 0;
    double timeout_s = 10;
    std::size_t datagram_bytes = 16384;  // largest datagram we send
    long spin_polls = -1;                // PAPERS_SPIN; -1: time-based default
    bool oversubscribed = false;         // more local ranks than cores
    // Retransmit timeout: first REQ after rto_min, doubling up to rto_max.
    std::chrono::steady_clock::duration rto_min = std::chrono::milliseconds(1);
    std::chrono::steady_clock::duration rto_max = std::chrono::milliseconds(2);
    std::optional<FaultSpec> faults;
    // Tests: runs between link p's bind and connect (links.hpp, the window).
    std::function<void(int peer)> after_link_bound;
};

// One message a round expects.
struct ExpectedMessage {
    int peer;
    std::uint8_t round;
    std::uint64_t len;  // exact length the peer must send
};

class Transport {
public:
    using Clock = std::chrono::steady_clock;

    // Binds this rank's sockets. On failure returns nullptr with *code and
    // the error message set.
    static std::unique_ptr<Transport> open(const TransportSetup& setup, int* code);
    ~Transport();

    // While the application computes between papers calls, a progress
    // thread answers REQs (and releases datagrams the fault injector holds),
    // so a peer that lost our last datagram of an operation is not stranded
    // until our next call. It wakes every progress period (PAPERS_TIMEOUT /
    // 20, 5..50 ms) and works only when no operation ended during a whole
    // period: no cost on the hot path but an uncontended mutex and a count
    // per operation.
    void start_progress();
    void stop_progress();  // joins it; also done by the destructor

    // Operation framing: every collective is begin_op, rounds, Op::end. The
    // Op holds the transport's lock (the progress thread keeps off) from
    // begin_op until end(), or until it is destroyed on a failure path.
    class Op {
    public:
        Op() = default;
        Op(Op&&) = default;
        Op& operator=(Op&&) = default;
        // `full`: completing the operation proves every rank entered it
        // (see message_store.hpp).
        void end(bool full);
        ~Op() { release(); }

    private:
        friend class Transport;
        Op(Transport& t) : t_(&t), lock_(t.mu_) {}
        void release();
        Transport* t_ = nullptr;
        std::unique_lock<std::mutex> lock_;
    };
    [[nodiscard]] Op begin_op(OpKind kind, const char* api);
    std::uint64_t current_op() const { return cur_op_; }

    // Sends a message of the current operation (kept for retransmission).
    void post(std::uint8_t round, int dest, Payload buf, std::size_t offset, std::uint64_t len);
    void post(std::uint8_t round, int dest, Bytes bytes);
    // Waits until every expected message of the current operation is
    // complete. 0 or a negative PAPERS_E* code (message set).
    int wait(std::span<const ExpectedMessage> expects);
    int wait_one(int peer, std::uint8_t round, std::uint64_t len);
    // A vector an algorithm may fill with its expected messages (reused: no
    // allocation per operation).
    std::vector<ExpectedMessage>& scratch_expects() { return scratch_expects_; }
    // A complete message of the current operation (after wait()).
    const Bytes& received(std::uint8_t round, int peer);

    // Finalize: after the final barrier (op `final_op`), tell `sources`
    // we are done and serve `targets` until each says it is done (or the
    // linger bound passes).
    void mark_final(std::uint64_t final_op) { final_op_ = final_op; }
    void linger(const std::vector<int>& sources, const std::vector<int>& targets, double bound_s);

    const Counters& counters() const { return counters_; }
    // One line "key=value ..." of counters for PAPERS_UDP_REPORT.
    std::string report() const;
    bool oversubscribed() const { return oversubscribed_; }
    int rank() const { return me_; }
    int size() const { return n_; }

private:
    Transport(const TransportSetup& s, std::unique_ptr<Links> links);

    // framing
    void end_op(bool full);
    // Records a peer in another collective at our operation number.
    void note_mismatch(int peer, OpKind theirs);

    // sending: header + MAC, through the fault injector
    void send_fragment(const Outgoing& o, std::uint32_t frag);
    void send_control(Kind kind, int dest, std::uint64_t op, std::uint8_t round,
                      const std::uint8_t* payload, std::uint32_t len);
    void seal_and_send(const Header& h, const std::uint8_t* payload, int dest);
    void transmit(const std::uint8_t* d, std::size_t n, int dest);
    void raw_send(const std::uint8_t* d, std::size_t n, int dest);

    // dispatch. A link's datagrams come from its peer (the kernel checks the
    // source); the main socket's are matched against the peers.
    int drain_socket(int peer);                                  // -1: the main socket
    int drain_waited(std::span<const ExpectedMessage> expects);  // the links of missing messages
    int drain_all();                                             // every socket that has data
    void handle(const std::uint8_t* d, std::size_t n, int src);
    void handle_data(const Header& h, const std::uint8_t* payload, int src);
    // May the first fragment of a new message be stored? Its claimed length
    // is judged before anything is allocated.
    bool admit(const Header& h, int src);
    int sender_of(const boost::asio::ip::udp::endpoint& from, const std::uint8_t* d,
                  std::size_t n) const;

    // retransmission and flow control
    void answer_req(const Header& h, const std::uint8_t* payload);
    // True if this REQ was answered less than a retransmit interval ago
    // (a replayed REQ must not make us resend a window each time).
    bool answered_recently(const Header& h, std::uint32_t base, Clock::time_point now);
    void pull_windows(std::span<const ExpectedMessage> expects);
    void request_missing(std::span<const ExpectedMessage> expects);
    void send_req(int dest, std::uint8_t round, std::uint32_t base, std::uint32_t nbits,
                  const std::vector<std::uint8_t>& bits);

    // wait policy
    bool spin_more(long& polls, Clock::time_point now, Clock::time_point spin_end);
    void block_until(Clock::time_point t);
    int check_expected(std::span<const ExpectedMessage> expects);
    std::string mismatch_text(const ExpectedMessage& e, std::uint64_t sent) const;

    // diagnostics
    void gossip_stall(int waiting_for, std::uint8_t round);
    int timeout_error(const ExpectedMessage& e, Clock::time_point started);
    std::string peer_name(int r) const;
    std::string silence_of(int r, Clock::time_point now) const;

    // finalize
    void send_done(int dest);

    // progress thread
    void progress_loop();

    int me_, n_;
    std::vector<Peer> peers_;
    std::unique_ptr<Links> links_;
    Mac mac_;
    ReceiverIdentity self_;
    std::uint32_t stride_;
    long spin_polls_;
    bool oversubscribed_;
    std::chrono::nanoseconds spin_time_;       // short spin before blocking
    std::chrono::nanoseconds long_spin_time_;  // while waits stay short (not oversubscribed)
    Clock::duration timeout_;  // of every wait
    Clock::duration last_wait_ = Clock::duration::zero();
    std::uint64_t waits_ = 0;
    std::vector<ExpectedMessage> scratch_expects_;
    std::span<const ExpectedMessage> waiting_;  // what wait() waits for now (else empty)
    struct Answered {
        std::uint64_t op;
        std::uint32_t base;
        std::uint16_t peer;
        std::uint8_t round;
        Clock::time_point at;
    };
    std::vector<Answered> answered_;  // REQs answered within the last rto_min_
    Clock::duration rto_min_, rto_max_, gossip_period_;

    std::unique_ptr<FaultInjector> faults_;
    std::vector<std::uint8_t> rx_, tx_;

    Inbox inbox_;
    Outbox outbox_;
    std::uint64_t cur_op_ = 0;
    OpKind cur_kind_ = OpKind::hello;
    const char* cur_api_ = "papers_init";
    bool in_op_ = false;
    bool progress_ = false;  // a fresh fragment of the current op arrived

    // Failure found while dispatching (mismatch, out of memory).
    int pending_error_ = 0;
    std::string pending_msg_;

    // Diagnostics per peer.
    std::vector<Clock::time_point> last_heard_;
    std::vector<bool> heard_;
    std::vector<std::uint64_t> bad_mac_from_;
    std::vector<int> stall_waits_for_;  // from STALL gossip, -1 unknown
    std::vector<std::uint64_t> stall_op_;

    // Finalize.
    std::uint64_t final_op_ = ~std::uint64_t(0);
    bool final_done_ = false;
    std::vector<bool> done_from_;

    Counters counters_;

    // Progress thread (see start_progress).
    std::mutex mu_;  // the transport's state: application thread or progress thread
    std::uint64_t ops_ended_ = 0;       // operations ended or abandoned (under mu_)
    std::uint64_t ops_seen_ = 0;        // by the progress thread at its last wake
    Clock::duration progress_period_;
    std::unique_ptr<std::thread> progress_thread_;
    pid_t progress_pid_ = 0;  // a child forked after start owns no thread
    std::mutex stop_mu_;
    std::condition_variable stop_cv_;
    bool stop_ = false;
};

}  // namespace papers::udp
