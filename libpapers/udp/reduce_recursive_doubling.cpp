// Recursive doubling all-reduce (MPICH's scheme for any n): after the fold
// (reduce_fold.cpp) the p2 remaining ranks exchange with partner
// newrank ^ 2^k in log2(p2) rounds, combining each time, and the fold hands
// the result back. Only for combines that are commutative and associative
// bit for bit, so that every rank ends with the same bits.

#include "../core/typeops.hpp"
#include "algorithms.hpp"

namespace papers::udp {

int recursive_doubling_allreduce(Transport& t, std::uint8_t* acc, std::size_t count,
                                 papers_type_t type, papers_op_t op) {
    const int me = t.rank(), n = t.size();
    const std::size_t bytes = count * type_size(type);
    const Fold f(me, n);
    const int levels = ceil_log2(f.p2);
    const auto last = static_cast<std::uint8_t>(levels + 1);
    if (int rc = f.fold_in(t, acc, count, type, op)) return rc;
    if (f.newrank >= 0) {
        std::uint8_t round = 1;
        for (int mask = 1; mask < f.p2; mask <<= 1, ++round) {
            const int partner = f.real(f.newrank ^ mask);
            t.post(round, partner, Bytes(acc, acc + bytes));
            if (int rc = t.wait_one(partner, round, bytes)) return rc;
            combine(acc, t.received(round, partner).data(), count, type, op);
        }
    }
    return f.fold_out(t, acc, bytes, last);
}

}  // namespace papers::udp
