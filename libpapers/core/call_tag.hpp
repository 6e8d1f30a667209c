// call_tag.hpp — what a PE is about to do, as one 64-bit word. With
// PAPERS_DEBUG=1 the core compares it across PEs before every collective
// (call_check.cpp), the same way on every backend.
//
//   bits 60..63  the collective (Call)
//   bits 56..59  element type + 1 (reduce, reduce_loc; 0 otherwise)
//   bits 52..55  reduction op + 1 (reduce, reduce_loc; 0 otherwise)
//   bits 40..51  root (bcast; 0 otherwise)
//   bits  0..39  size: bytes per PE (bcast, gather, putget) or element
//                count (reduce), modulo 2^40
//
// Every field has bits of its own, so two calls that differ in any field
// have different words. (The hub engine once used 0x10 | type << 4 | op,
// whose bit 4 belonged to both the constant and the type: int8 and int16
// shared a tag, as did float and double.)
#pragma once
#include <cstdint>
#include <string>

#include "papers/papers.h"

namespace papers {

enum class Call : std::uint8_t {
    barrier = 1, any, all, waitvec, bcast, gather, putget, reduce, reduce_loc,
};

struct CallTag {
    Call call = Call::barrier;
    std::uint64_t size = 0;  // bytes or element count, see above
    int root = 0;            // bcast only
    int type = -1;           // papers_type_t, or -1 when the call has none
    int op = -1;             // papers_op_t, or -1

    static CallTag simple(Call c) { return {c}; }
    static CallTag bcast(std::uint64_t bytes, int root) { return {Call::bcast, bytes, root}; }
    static CallTag sized(Call c, std::uint64_t bytes) { return {c, bytes}; }
    static CallTag reduce(std::uint64_t count, papers_type_t t, papers_op_t o) {
        return {Call::reduce, count, 0, int(t), int(o)};
    }
    static CallTag reduce_loc(papers_type_t t, papers_op_t o) {
        return {Call::reduce_loc, 1, 0, int(t), int(o)};
    }
};

inline constexpr std::uint64_t kTagSizeMask = (std::uint64_t(1) << 40) - 1;

std::uint64_t encode_tag(const CallTag& t);
CallTag decode_tag(std::uint64_t word);
// "papers_reduce(3 x int8, sum)", "papers_bcast(100 bytes, root 0)", ...
std::string describe_call(const CallTag& t);

}  // namespace papers
