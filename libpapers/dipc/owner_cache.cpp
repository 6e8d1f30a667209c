#include "owner_cache.hpp"

#include <atomic>

#include "proto/ids.hpp"

namespace papers::dipc::client {

namespace {

// Per kind and slot: id << 32 | host, or 0 (no DIPC id is 0: its index is
// at least 32000).
std::atomic<std::uint64_t> g_owners[proto::kKinds][proto::kSlots];

std::atomic<std::uint64_t>* entry(proto::Kind kind, std::int32_t id) {
    auto k = static_cast<int>(kind);
    if (k >= proto::kKinds || !proto::is_dipc_id(id)) return nullptr;
    return &g_owners[k][proto::slot_of(id)];
}

std::uint64_t pack(std::int32_t id, std::uint32_t host) {
    return std::uint64_t(static_cast<std::uint32_t>(id)) << 32 | host;
}

}  // namespace

std::optional<std::uint32_t> cached_owner(proto::Kind kind, std::int32_t id) {
    auto* e = entry(kind, id);
    if (!e) return std::nullopt;
    std::uint64_t v = e->load(std::memory_order_relaxed);
    if (v == 0 || static_cast<std::int32_t>(v >> 32) != id) return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

void remember_owner(proto::Kind kind, std::int32_t id, std::uint32_t host) {
    if (auto* e = entry(kind, id)) e->store(pack(id, host), std::memory_order_relaxed);
}

void forget_owner(proto::Kind kind, std::int32_t id) {
    auto* e = entry(kind, id);
    if (!e) return;
    std::uint64_t v = e->load(std::memory_order_relaxed);
    while (v != 0 && static_cast<std::int32_t>(v >> 32) == id &&
           !e->compare_exchange_weak(v, 0, std::memory_order_relaxed)) {
    }
}

namespace testing {

void forget_all_owners() {
    for (auto& kind : g_owners)
        for (auto& e : kind) e.store(0, std::memory_order_relaxed);
}

}  // namespace testing

}  // namespace papers::dipc::client
