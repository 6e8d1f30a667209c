// owner_cache.hpp — which host owns a DIPC id, per process (docs/dipc-design.md,
// decision 13): learnt from the local daemon (whereis) once per id, as an id
// never changes owner. An entry is dropped when a call on the id says the
// id is gone (EINVAL, EIDRM) or its owner is lost, so a reused slot (a new
// id, a new seq) is asked about afresh.
//
// Lock-free, one word per (kind, slot): usable from a signal handler and
// from every thread at once, and kept by a fork child (ids mean the same
// there).
#pragma once
#include <cstdint>
#include <optional>

#include "proto/messages.hpp"

namespace papers::dipc::client {

std::optional<std::uint32_t> cached_owner(proto::Kind kind, std::int32_t id);
void remember_owner(proto::Kind kind, std::int32_t id, std::uint32_t host);
// Drops the entry if it still names `id` (a newer id of the same slot stays).
void forget_owner(proto::Kind kind, std::int32_t id);

namespace testing {
void forget_all_owners();
}

}  // namespace papers::dipc::client
