#include "call_tag.hpp"

#include "typeops.hpp"

namespace papers {

namespace {

const char* call_name(Call c) {
    switch (c) {
        case Call::barrier: return "papers_barrier";
        case Call::any: return "papers_any";
        case Call::all: return "papers_all";
        case Call::waitvec: return "papers_waitvec";  // also count, first, enqueue
        case Call::bcast: return "papers_bcast";
        case Call::gather: return "papers_gather";
        case Call::putget: return "papers_putget";
        case Call::reduce: return "papers_reduce";
        case Call::reduce_loc: return "papers_reduce_loc";
    }
    return "an unknown call";
}

}  // namespace

std::uint64_t encode_tag(const CallTag& t) {
    return std::uint64_t(static_cast<std::uint8_t>(t.call) & 0xF) << 60 |
           std::uint64_t((t.type + 1) & 0xF) << 56 | std::uint64_t((t.op + 1) & 0xF) << 52 |
           std::uint64_t(t.root & 0xFFF) << 40 | (t.size & kTagSizeMask);
}

CallTag decode_tag(std::uint64_t w) {
    CallTag t;
    t.call = static_cast<Call>(w >> 60);
    t.type = int((w >> 56) & 0xF) - 1;
    t.op = int((w >> 52) & 0xF) - 1;
    t.root = int((w >> 40) & 0xFFF);
    t.size = w & kTagSizeMask;
    return t;
}

std::string describe_call(const CallTag& t) {
    const std::string name = call_name(t.call);
    const std::string size = std::to_string(t.size);
    // A tag may come from another PE: range-check before the enum cast
    // (an out-of-range enum value is undefined behaviour in C++).
    const auto type = [&] {
        return t.type >= 0 && t.type < PAPERS_TYPE_COUNT_
                   ? std::string(type_name(static_cast<papers_type_t>(t.type)))
                   : "unknown-type";
    };
    const auto op = [&] {
        return t.op >= 0 && t.op < PAPERS_OP_COUNT_ ? std::string(op_name(static_cast<papers_op_t>(t.op)))
                                                   : "unknown-op";
    };
    switch (t.call) {
        case Call::bcast: return name + "(" + size + " bytes, root " + std::to_string(t.root) + ")";
        case Call::gather:
        case Call::putget: return name + "(" + size + " bytes)";
        case Call::reduce: return name + "(" + size + " x " + type() + ", " + op() + ")";
        case Call::reduce_loc: return name + "(" + type() + ", " + op() + ")";
        default: return name + "()";
    }
}

}  // namespace papers
