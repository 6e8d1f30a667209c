#include "message_store.hpp"

#include <algorithm>
#include <cstring>

namespace papers::udp {

std::uint32_t Incoming::first_missing() const {
    for (std::uint32_t f = 0; f < count; ++f)
        if (!have[f]) return f;
    return count;
}

Inbox::Added Inbox::add(const Header& h, const std::uint8_t* payload) {
    Incoming* m = find(h.op, h.round, h.sender);
    if (!m) {
        std::unique_ptr<Incoming> fresh;
        if (!spare_.empty()) {
            fresh = std::move(spare_.back());
            spare_.pop_back();
        } else {
            fresh = std::make_unique<Incoming>();
        }
        m = fresh.get();
        m->op = h.op;
        m->round = h.round;
        m->peer = h.sender;
        m->opkind = h.opkind;
        m->total = h.total;
        m->stride = h.stride;
        m->count = static_cast<std::uint32_t>(fragment_count(h.total, h.stride));
        m->received = 0;
        m->pulled = std::min(m->count, window_fragments(h.stride));
        m->data.resize(static_cast<std::size_t>(h.total));  // may throw: caller reports ENOMEM
        m->have.assign(m->count, 0);
        live_.push_back(std::move(fresh));
        held_bytes_ += h.total;
    } else if (m->total != h.total || m->opkind != h.opkind ||
               (h.total > 0 && m->stride != h.stride)) {
        return Added::inconsistent;  // fragments of one message must agree
    }
    if (m->have[h.frag]) return Added::duplicate;
    m->have[h.frag] = 1;
    ++m->received;
    if (h.payload_len)
        std::memcpy(m->data.data() + std::size_t(h.frag) * h.stride, payload, h.payload_len);
    return Added::fresh;
}

Incoming* Inbox::find(std::uint64_t op, std::uint8_t round, int peer) {
    for (auto& m : live_)
        if (m->op == op && m->round == round && m->peer == peer) return m.get();
    return nullptr;
}

const Incoming* Inbox::other_kind(std::uint64_t op, OpKind kind) const {
    for (const auto& m : live_)
        if (m->op == op && m->opkind != kind) return m.get();
    return nullptr;
}

void Inbox::erase_through(std::uint64_t op) {
    for (std::size_t i = 0; i < live_.size();) {
        if (live_[i]->op <= op) {
            held_bytes_ -= live_[i]->total;
            // Keep small buffers for reuse; give big ones back to the allocator.
            if (live_[i]->data.capacity() > 64 * 1024) Bytes().swap(live_[i]->data);
            if (spare_.size() < 64) spare_.push_back(std::move(live_[i]));
            live_[i] = std::move(live_.back());
            live_.pop_back();
        } else {
            ++i;
        }
    }
}

Outgoing& Outbox::add(Outgoing o) {
    items_.push_back(std::move(o));
    return items_.back();
}

Outgoing* Outbox::find(std::uint64_t op, std::uint8_t round, int dest) {
    for (auto& o : items_)
        if (o.op == op && o.round == round && o.dest == dest) return &o;
    return nullptr;
}

void Outbox::erase_before(std::uint64_t op) {
    items_.erase(std::remove_if(items_.begin(), items_.end(), [&](const Outgoing& o) { return o.op < op; }),
                 items_.end());
}

}  // namespace papers::udp
