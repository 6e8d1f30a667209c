#include "msg_queue.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>

#include "sysv.hpp"

namespace papers::dipc::owner {

Search search_mode(std::int64_t& msgtyp, int flags) {
    if (flags & MSG_COPY) return Search::number;
    if (msgtyp == 0) return Search::any;
    if (msgtyp < 0) {
        msgtyp = msgtyp == INT64_MIN ? INT64_MAX : -msgtyp;
        return Search::less_equal;
    }
    if (flags & MSG_EXCEPT) return Search::not_equal;
    return Search::equal;
}

namespace {

bool matches(const Message& m, std::int64_t type, Search mode) {
    switch (mode) {
        case Search::any:
        case Search::number: return true;
        case Search::less_equal: return m.type <= type;
        case Search::equal: return m.type == type;
        case Search::not_equal: return m.type != type;
    }
    return false;
}

// do_msg_fill: the type and at most bufsz bytes of the text.
proto::Reply received(const Message& m, std::uint64_t bufsz) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(bufsz, m.text.size()));
    proto::MsgText t;
    t.mtype = m.type;
    t.text.assign(m.text.begin(), m.text.begin() + static_cast<std::ptrdiff_t>(n));
    return success(static_cast<std::int64_t>(n), proto::encode_payload(t));
}

// r_maxsize: a waiting receiver with MSG_NOERROR takes any message.
std::int64_t max_accepted(const Receiver& r) {
    return (r.flags & MSG_NOERROR) ? INT_MAX : static_cast<std::int64_t>(r.bufsz);
}

}  // namespace

MsgQueue::MsgQueue(const IpcPerm& p, std::uint64_t qbytes, std::int64_t now_s)
    : perm(p), ctime_(now_s), qbytes_(qbytes) {}

// msg_fits_inqueue: qbytes bounds the bytes and, as well, the message count.
bool MsgQueue::fits(std::size_t msgsz) const {
    return msgsz + cbytes_ <= qbytes_ && 1 + qnum_ <= qbytes_;
}

// find_msg: the first match; for less_equal the first of the lowest type;
// for number (MSG_COPY) the type-th message.
std::list<Message>::iterator MsgQueue::find(std::int64_t type, Search mode) {
    auto found = messages_.end();
    std::int64_t count = 0;
    for (auto it = messages_.begin(); it != messages_.end(); ++it) {
        if (!matches(*it, type, mode)) continue;
        if (mode == Search::less_equal && it->type != 1) {
            type = it->type - 1;
            found = it;
        } else if (mode == Search::number) {
            if (type == count) return it;
        } else {
            return it;
        }
        ++count;
    }
    return found;
}

std::optional<int> MsgQueue::send(Sender s, int flags, Ctx& ctx) {
    if (fits(s.msg.text.size())) {
        deliver(std::move(s.msg), s.caller.pid, ctx);
        return 0;
    }
    if (flags & IPC_NOWAIT) return -EAGAIN;
    senders_.push_back(std::move(s));
    return std::nullopt;
}

void MsgQueue::deliver(Message msg, std::int32_t pid, Ctx& ctx) {
    lspid_ = pid;
    stime_ = ctx.now_s;
    if (pipelined_send(msg, ctx)) return;
    cbytes_ += msg.text.size();
    ++qnum_;
    messages_.push_back(std::move(msg));
}

// The first waiting receiver the message suits takes it; on the way, those
// it suits but whose buffer is too small fail with E2BIG.
bool MsgQueue::pipelined_send(Message& msg, Ctx& ctx) {
    for (auto it = receivers_.begin(); it != receivers_.end();) {
        if (!matches(msg, it->type, it->mode)) {
            ++it;
            continue;
        }
        Receiver r = std::move(*it);
        it = receivers_.erase(it);
        if (max_accepted(r) < static_cast<std::int64_t>(msg.text.size())) {
            ctx.wakes.push_back({r.call, std::move(r.done), failure(E2BIG)});
            continue;
        }
        lrpid_ = r.caller.pid;
        rtime_ = ctx.now_s;
        ctx.wakes.push_back({r.call, std::move(r.done), received(msg, r.bufsz)});
        return true;
    }
    return false;
}

std::optional<proto::Reply> MsgQueue::receive(Receiver&& r, std::uint64_t copy_cap, Ctx& ctx) {
    auto it = find(r.type, r.mode);
    if (it != messages_.end()) {
        if (r.bufsz < it->text.size() && !(r.flags & MSG_NOERROR)) return failure(E2BIG);
        if (r.flags & MSG_COPY) {
            // copy_msg refuses a message larger than the copy buffer.
            if (it->text.size() > copy_cap) return failure(EINVAL);
            return received(*it, r.bufsz);
        }
        Message m = std::move(*it);
        messages_.erase(it);
        --qnum_;
        rtime_ = ctx.now_s;
        lrpid_ = r.caller.pid;
        cbytes_ -= m.text.size();
        wake_senders(ctx);
        return received(m, r.bufsz);
    }
    if (r.flags & IPC_NOWAIT) return failure(ENOMSG);
    receivers_.push_back(std::move(r));
    return std::nullopt;
}

// ss_wakeup: every waiting sender whose message fits now is woken (in
// queue order); the others rotate to the tail until the scan meets the
// first of them again. The woken ones then run in wake order: each checks
// its permission again and sends if its message still fits, else queues
// again at the tail.
void MsgQueue::wake_senders(Ctx& ctx) {
    std::vector<CallId> woken;
    std::optional<CallId> stop;
    for (auto it = senders_.begin(); it != senders_.end();) {
        auto next = std::next(it);
        if (stop && it->call == *stop) break;
        if (!fits(it->msg.text.size())) {
            if (!stop) stop = it->call;
            senders_.splice(senders_.end(), senders_, it);
        } else {
            woken.push_back(it->call);
        }
        it = next;
    }
    for (CallId call : woken) {
        auto it = std::find_if(senders_.begin(), senders_.end(),
                               [&](const Sender& s) { return s.call == call; });
        Sender s = std::move(*it);
        senders_.erase(it);
        if (!access_allowed(perm, s.caller, kWritePerm)) {
            ctx.wakes.push_back({s.call, std::move(s.done), failure(EACCES)});
        } else if (fits(s.msg.text.size())) {
            ctx.wakes.push_back({s.call, std::move(s.done), success(0)});
            deliver(std::move(s.msg), s.caller.pid, ctx);
        } else {
            senders_.push_back(std::move(s));
        }
    }
}

// expunge_all(-EAGAIN) after IPC_SET: every receiver runs its loop again
// (permission, search), in queue order, and waits again at the tail.
void MsgQueue::retry_receivers(Ctx& ctx) {
    std::list<Receiver> old;
    old.swap(receivers_);
    for (Receiver& r : old) {
        if (!access_allowed(perm, r.caller, kReadPerm)) {
            ctx.wakes.push_back({r.call, std::move(r.done), failure(EACCES)});
            continue;
        }
        CallId call = r.call;
        Done done = r.done;
        if (std::optional<proto::Reply> now = receive(std::move(r), 0, ctx))
            ctx.wakes.push_back({call, std::move(done), std::move(*now)});
    }
}

void MsgQueue::set_done(std::uint64_t qbytes, Ctx& ctx) {
    qbytes_ = qbytes;
    ctime_ = ctx.now_s;
    retry_receivers(ctx);
    wake_senders(ctx);
}

bool MsgQueue::cancel(CallId call, int err, Ctx& ctx) {
    for (auto it = receivers_.begin(); it != receivers_.end(); ++it) {
        if (it->call != call) continue;
        ctx.wakes.push_back({call, std::move(it->done), failure(err)});
        receivers_.erase(it);
        return true;
    }
    for (auto it = senders_.begin(); it != senders_.end(); ++it) {
        if (it->call != call) continue;
        ctx.wakes.push_back({call, std::move(it->done), failure(err)});
        senders_.erase(it);
        return true;
    }
    return false;
}

void MsgQueue::remove(int err, Ctx& ctx) {
    for (Receiver& r : receivers_) ctx.wakes.push_back({r.call, std::move(r.done), failure(err)});
    for (Sender& s : senders_) ctx.wakes.push_back({s.call, std::move(s.done), failure(err)});
    receivers_.clear();
    senders_.clear();
    messages_.clear();
    cbytes_ = qnum_ = 0;
}

proto::MsgDsRec MsgQueue::ds() const {
    proto::MsgDsRec r;
    r.perm = perm.record();
    r.stime = stime_;
    r.rtime = rtime_;
    r.ctime = ctime_;
    r.cbytes = cbytes_;
    r.qnum = qnum_;
    r.qbytes = qbytes_;
    r.lspid = lspid_;
    r.lrpid = lrpid_;
    return r;
}

std::vector<CallId> MsgQueue::pending_calls() const {
    std::vector<CallId> v;
    for (const Receiver& r : receivers_) v.push_back(r.call);
    for (const Sender& s : senders_) v.push_back(s.call);
    return v;
}

}  // namespace papers::dipc::owner
