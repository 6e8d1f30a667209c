// ids.hpp — the id space of distributed structures (docs/dipc-design.md,
// decision 2). A kernel SysV id is seq << 15 | index with index below
// SEMMNI/MSGMNI/SHMMNI (32000 by default, at most 32768); the DIPC layer
// uses the indices at and above kFirstIndex, which the kernel does not hand
// out unless an administrator raises those limits above 32000.
#pragma once
#include <cstdint>

namespace papers::dipc::proto {

constexpr int kIndexBits = 15;                       // the kernel's IPCMNI_SHIFT
constexpr std::int32_t kIndexMask = (1 << kIndexBits) - 1;
constexpr std::int32_t kFirstIndex = 32000;          // first index the kernel leaves free
constexpr std::int32_t kSlots = (1 << kIndexBits) - kFirstIndex;  // 768 per kind
constexpr std::int32_t kMaxSeq = 0xffff;             // keeps ids positive

constexpr bool is_dipc_id(std::int32_t id) { return id >= 0 && (id & kIndexMask) >= kFirstIndex; }
constexpr bool is_dipc_index(std::int32_t index) { return index >= kFirstIndex && index <= kIndexMask; }
constexpr std::int32_t make_id(std::int32_t slot, std::int32_t seq) {
    return (seq << kIndexBits) | (kFirstIndex + slot);
}
constexpr std::int32_t slot_of(std::int32_t id) { return (id & kIndexMask) - kFirstIndex; }
constexpr std::int32_t seq_of(std::int32_t id) { return id >> kIndexBits; }
constexpr std::int32_t index_of(std::int32_t id) { return id & kIndexMask; }

// IPC_DIPC and IPC_OWN as <linux/ipc.h> reserves them (octal).
constexpr int kIpcDipc = 010000;
constexpr int kIpcOwn = 020000;

static_assert(kSlots == 768);
static_assert(is_dipc_id(make_id(0, 0)) && is_dipc_id(make_id(kSlots - 1, kMaxSeq)));
static_assert(make_id(kSlots - 1, kMaxSeq) > 0);
static_assert(!is_dipc_id(31999) && !is_dipc_id((5 << 15) | 4095));

}  // namespace papers::dipc::proto
