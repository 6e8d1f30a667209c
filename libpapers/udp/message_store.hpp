// message_store.hpp — what the udp backend keeps between datagrams.
//
// Inbox: messages being received, reassembled from fragments that may
// arrive in any order, twice, or for an operation this rank has not reached
// yet. A message is named by (op, round, sending peer).
//
// Outbox: messages this rank has sent, kept so that it can answer a peer's
// REQ for them. A message of operation k is dropped once this rank has
// finished a "full" operation j > k (one whose completion proves every rank
// has entered j, hence finished k) — docs/udp.md, "Why it is reliable".
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "wire_format.hpp"

namespace papers::udp {

using Bytes = std::vector<std::uint8_t>;
using Payload = std::shared_ptr<const Bytes>;

struct Incoming {
    std::uint64_t op = 0;
    std::uint8_t round = 0;
    std::uint16_t peer = 0;
    OpKind opkind = OpKind::barrier;
    std::uint64_t total = 0;
    std::uint32_t stride = 0;
    std::uint32_t count = 0;     // fragments
    std::uint32_t received = 0;  // distinct fragments so far
    std::uint32_t pulled = 0;    // fragments [0, pulled) were pushed or asked for
    Bytes data;
    std::vector<std::uint8_t> have;  // one flag per fragment
    bool complete() const { return received == count; }
    std::uint32_t first_missing() const;
};

class Inbox {
public:
    enum class Added { fresh, duplicate, inconsistent };
    // Stores one validated data fragment. The caller has judged the length
    // of a new message (Transport::admit). Throws std::bad_alloc when the
    // message cannot be allocated.
    Added add(const Header& h, const std::uint8_t* payload);
    Incoming* find(std::uint64_t op, std::uint8_t round, int peer);
    // Forgets every message of operations <= op.
    void erase_through(std::uint64_t op);
    std::size_t size() const { return live_.size(); }
    // Bytes held by messages being received.
    std::uint64_t held_bytes() const { return held_bytes_; }
    // Opkind of any stored message of `op` that is not `kind` (for the
    // mismatch check when an operation starts); nullptr if none.
    const Incoming* other_kind(std::uint64_t op, OpKind kind) const;

private:
    std::vector<std::unique_ptr<Incoming>> live_;
    std::vector<std::unique_ptr<Incoming>> spare_;  // reused: no allocation per barrier
    std::uint64_t held_bytes_ = 0;
};

struct Outgoing {
    std::uint64_t op = 0;
    std::uint8_t round = 0;
    OpKind opkind = OpKind::barrier;
    std::uint16_t dest = 0;
    Payload buf;  // may be null for an empty message
    std::size_t offset = 0;
    std::uint64_t len = 0;
    std::uint32_t stride = 0;
    std::uint32_t count() const { return static_cast<std::uint32_t>(fragment_count(len, stride)); }
    const std::uint8_t* fragment(std::uint32_t f) const {
        return buf ? buf->data() + offset + std::size_t(f) * stride : nullptr;
    }
};

class Outbox {
public:
    Outgoing& add(Outgoing o);
    Outgoing* find(std::uint64_t op, std::uint8_t round, int dest);
    // Forgets every message of operations < op.
    void erase_before(std::uint64_t op);
    std::size_t size() const { return items_.size(); }
    template <class F>
    void for_each(F&& f) {
        for (auto& o : items_) f(o);
    }

private:
    std::vector<Outgoing> items_;
};

}  // namespace papers::udp
