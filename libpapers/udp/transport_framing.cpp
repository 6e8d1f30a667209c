// transport_framing.cpp — operations: every collective is one numbered
// operation (begin_op .. Op::end) holding the transport's lock, and a peer
// found in another collective at the same number is a mismatched call.
#include <string>

#include "papers/papers.h"
#include "transport.hpp"

namespace papers::udp {

Transport::Op Transport::begin_op(OpKind kind, const char* api) {
    Op op(*this);
    cur_kind_ = kind;
    cur_api_ = api;
    in_op_ = true;
    progress_ = false;
    if (const Incoming* other = inbox_.other_kind(cur_op_, kind)) note_mismatch(other->peer, other->opkind);
    return op;
}

void Transport::Op::end(bool full) {
    if (!lock_.owns_lock()) return;
    t_->end_op(full);
    release();
}

void Transport::Op::release() {
    if (!lock_.owns_lock()) return;
    ++t_->ops_ended_;  // the progress thread sees the application is busy
    lock_.unlock();
}

void Transport::end_op(bool full) {
    inbox_.erase_through(cur_op_);
    if (full) outbox_.erase_before(cur_op_);
    ++cur_op_;
    in_op_ = false;
}

void Transport::note_mismatch(int peer, OpKind theirs) {
    if (pending_error_) return;  // the first one is reported
    pending_error_ = PAPERS_EMISMATCH;
    pending_msg_ = std::string(cur_api_) + ": rank " + std::to_string(peer) + " is in a udp " +
                   opkind_name(theirs) + " where this rank is in a udp " +
                   opkind_name(cur_kind_) + " (operation #" + std::to_string(cur_op_) +
                   "): the ranks called different collectives";
}

}  // namespace papers::udp
