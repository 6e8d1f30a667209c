// msg_queue.hpp — one System V message queue at its owner, with Linux
// 6.x's discipline (ipc/msg.c): a message is handed straight to the first
// suitable waiting receiver (pipelined_send); receivers wait in FIFO order;
// senders blocked on a full queue are woken when space frees (ss_wakeup).
//
// The kernel wakes blocked senders and lets them race for the space; the
// engine runs the woken ones at once, in the kernel's wake order, which is
// what the kernel does when the woken tasks run in the order they were woken.
//
// Callers (Engine) make the argument, lookup and permission checks first.
#pragma once
#include <cstdint>
#include <list>
#include <optional>
#include <vector>

#include "calls.hpp"
#include "ipc_perm.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::owner {

// msgrcv's search modes (ipc/msg.c SEARCH_*).
enum class Search { any = 1, equal = 2, not_equal = 3, less_equal = 4, number = 5 };

// convert_mode: the mode for msgtyp and flags; msgtyp < 0 becomes |msgtyp|.
Search search_mode(std::int64_t& msgtyp, int flags);

struct Message {
    std::int64_t type = 0;
    std::vector<std::uint8_t> text;
};

struct Receiver {
    CallId call = 0;
    proto::Caller caller;  // permissions are checked again after IPC_SET
    Search mode = Search::any;
    std::int64_t type = 0;
    std::uint64_t bufsz = 0;
    int flags = 0;
    Done done;
};

struct Sender {
    CallId call = 0;
    proto::Caller caller;
    Message msg;
    Done done;
};

class MsgQueue {
public:
    MsgQueue(const IpcPerm& perm, std::uint64_t qbytes, std::int64_t now_s);

    IpcPerm perm;

    // The message is queued or handed to a receiver (0), refused (-EAGAIN
    // with IPC_NOWAIT), or the sender waits (nullopt).
    std::optional<int> send(Sender s, int flags, Ctx& ctx);

    // A message (or an error) now, or nullopt: the receiver waits (and only
    // then is r moved from). copy_cap is MSG_COPY's buffer, min(bufsz, MSGMAX).
    std::optional<proto::Reply> receive(Receiver&& r, std::uint64_t copy_cap, Ctx& ctx);

    bool cancel(CallId call, int err, Ctx& ctx);

    // IPC_SET after the perm update: new qbytes (as the kernel stores it),
    // ctime; receivers re-checked, senders that now fit woken.
    void set_done(std::uint64_t qbytes, Ctx& ctx);

    // freeque: every receiver, then every sender, leaves with err.
    void remove(int err, Ctx& ctx);

    proto::MsgDsRec ds() const;
    std::uint64_t qnum() const { return qnum_; }
    std::uint64_t cbytes() const { return cbytes_; }
    std::vector<CallId> pending_calls() const;

private:
    bool fits(std::size_t msgsz) const;
    std::list<Message>::iterator find(std::int64_t type, Search mode);
    void deliver(Message msg, std::int32_t pid, Ctx& ctx);
    bool pipelined_send(Message& msg, Ctx& ctx);
    void wake_senders(Ctx& ctx);
    void retry_receivers(Ctx& ctx);

    std::int64_t stime_ = 0, rtime_ = 0, ctime_ = 0;
    std::uint64_t cbytes_ = 0, qnum_ = 0, qbytes_ = 0;
    std::int32_t lspid_ = 0, lrpid_ = 0;
    std::list<Message> messages_;
    std::list<Receiver> receivers_;
    std::list<Sender> senders_;
};

}  // namespace papers::dipc::owner
