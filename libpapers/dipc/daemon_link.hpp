// daemon_link.hpp — one connection to the local daemon: hello -> welcome,
// then one request at a time and its reply (decision 6 for blocking calls:
// poll(2) on the socket; after a signal handler ran, cancel(target) and
// take the target's reply, within kVerdictTimeoutMs, as the verdict).
//
// A Link is plain data with a constexpr constructor and no destructor, so a
// thread_local array of them needs no lazy initialisation (usable from a
// signal handler); the owner closes it (client_state.cpp).
//
// Frames are received into a buffer of the link's own (allocated while it
// is open): one recvmsg(2) usually brings a whole reply, where reading the
// length and then the body took two.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipc::client {

class Link {
public:
    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    // Bytes came that no request asked for: the link cannot serve one.
    bool has_unasked_bytes() const { return buffered(); }
    // The daemon knows the process by the credentials it connected with
    // (SO_PEERCRED): a link opened before they changed must not be used
    // (credentials.hpp).
    std::uint64_t credential_generation() const { return generation_; }
    // Connects and exchanges hello/welcome; false with a reason. The link
    // stays closed on failure. `role`: ClientHello's (0 calls, 1 the
    // process's DSM service connection).
    bool open(const std::string& path, std::string& why, std::uint8_t role = 0);
    const proto::Welcome& welcome() const { return welcome_; }

    // Sends one request and waits for its reply. `cancellable`: the call may
    // block at the owner, so a signal makes it send cancel and take the
    // verdict (a reply err of EINTR, or the call's real result). False with
    // a reason when the link broke (it is then closed: its state is unknown;
    // refused_request() says whether the daemon had closed it before the
    // request could go out, so that it never ran).
    // `passed_fd`: where a descriptor sent with the reply goes (shmat's
    // memfd; -1 if none came, sock::kDescriptorLost if it could not be
    // received); the caller owns it.
    template <class Req>
    bool call(proto::Op op, const Req& req, bool cancellable, proto::Reply& reply, std::string& why,
              int* passed_fd = nullptr) {
        std::vector<std::uint8_t> frame;
        std::uint64_t id = next_id_++;
        proto::encode_frame(op, id, req, frame);
        return exchange(id, frame, cancellable, reply, why, passed_fd);
    }

    // The DSM service connection's side: the daemon's orders come as frames
    // the client did not ask for. receive() waits for the next one without
    // a bound (the daemon may have nothing to order for hours); send()
    // answers one. False with a reason when the link broke (then closed).
    bool receive(proto::Header& h, std::vector<std::uint8_t>& body, std::string& why);
    template <class T>
    bool send(proto::Op op, std::uint64_t request_id, const T& msg, std::string& why) {
        std::vector<std::uint8_t> frame;
        proto::encode_frame(op, request_id, msg, frame);
        return send_frame(frame, why);
    }

    // As send(), from a thread other than the one that receives: a failure
    // leaves the link to the receiving thread (which sees it break).
    template <class T>
    bool send_from_other_thread(proto::Op op, std::uint64_t request_id, const T& msg, std::string& why) {
        std::vector<std::uint8_t> frame;
        proto::encode_frame(op, request_id, msg, frame);
        return send_frame_only(frame, why);
    }

    bool refused_request() const { return refused_request_; }

    // The next call() may be abandoned: a signal during its wait ends it at
    // once, false with interrupted() true and the link kept (the request
    // had no effect to undo: whereis, link_open, asked while routing a call
    // that could block; its late reply is skipped by the next call).
    void abandon_on_signal() { abandonable_ = true; }
    bool interrupted() const { return interrupted_; }

    // Closes this process's descriptor (thread exit, broken link, and in a
    // fork child the inherited copy: the parent's connection is untouched,
    // as close(2) only drops the child's reference).
    void close();

private:
    bool exchange(std::uint64_t id, const std::vector<std::uint8_t>& frame, bool cancellable,
                  proto::Reply& reply, std::string& why, int* passed_fd);
    bool read_frame(std::int64_t deadline_ms, proto::Header& h, std::vector<std::uint8_t>& body,
                    std::string& why, int* passed_fd = nullptr);
    bool fill(std::size_t need, std::int64_t deadline_ms, std::string& why, int* passed_fd);
    bool buffered() const { return rend_ > rbegin_; }
    bool send_frame(const std::vector<std::uint8_t>& frame, std::string& why);
    bool send_frame_only(const std::vector<std::uint8_t>& frame, std::string& why);
    bool fail(std::string& why, const std::string& reason);

    int fd_ = -1;
    std::uint64_t next_id_ = 1;  // request ids increase per connection
    proto::Welcome welcome_{};
    std::uint64_t generation_ = 0;
    bool refused_request_ = false;
    bool abandonable_ = false;  // abandon_on_signal() for the current call
    bool interrupted_ = false;
    // Received bytes not yet consumed: [rbegin_, rend_) of rbuf_ (malloc'd
    // by open, freed by close: the Link itself stays trivially destructible).
    std::uint8_t* rbuf_ = nullptr;
    std::uint32_t rbegin_ = 0, rend_ = 0;
};

}  // namespace papers::dipc::client
