// Recursive doubling all-reduce (MPICH's scheme for any n): with p2 the
// largest power of two <= n and rem = n - p2, the first 2*rem ranks pair
// up — even ones hand their vector to the odd neighbour (round 0) and
// wait; the p2 remaining ranks exchange with partner newrank ^ 2^k in
// log2(p2) rounds, combining each time; finally the odd ranks hand the
// result back (last round). Only for combines that are commutative and
// associative bit for bit, so that every rank ends with the same bits.
#include <algorithm>
#include <cstring>

#include "../core/typeops.hpp"
#include "algorithms.hpp"

namespace papers::udp {

Fold::Fold(int me, int n) {
    p2 = power_of_two_floor(n);
    rem = n - p2;
    if (me < 2 * rem)
        newrank = (me % 2) ? me / 2 : -1;
    else
        newrank = me - rem;
}

int recursive_doubling_allreduce(Transport& t, std::uint8_t* acc, std::size_t count,
                                 papers_type_t type, papers_op_t op) {
    const int me = t.rank(), n = t.size();
    const std::size_t bytes = count * type_size(type);
    const Fold f(me, n);
    const int levels = ceil_log2(f.p2);
    const auto last = static_cast<std::uint8_t>(levels + 1);
    if (me < 2 * f.rem) {  // fold in
        if (me % 2 == 0) {
            t.post(0, me + 1, Bytes(acc, acc + bytes));
        } else {
            if (int rc = t.wait_one(me - 1, 0, bytes)) return rc;
            combine(acc, t.received(0, me - 1).data(), count, type, op);
        }
    }
    if (f.newrank >= 0) {
        std::uint8_t round = 1;
        for (int mask = 1; mask < f.p2; mask <<= 1, ++round) {
            const int partner = f.real(f.newrank ^ mask);
            t.post(round, partner, Bytes(acc, acc + bytes));
            if (int rc = t.wait_one(partner, round, bytes)) return rc;
            combine(acc, t.received(round, partner).data(), count, type, op);
        }
    }
    if (me < 2 * f.rem) {  // fold out
        if (me % 2 == 1) {
            t.post(last, me - 1, Bytes(acc, acc + bytes));
        } else {
            if (int rc = t.wait_one(me + 1, last, bytes)) return rc;
            std::memcpy(acc, t.received(last, me + 1).data(), bytes);
        }
    }
    return PAPERS_OK;
}

}  // namespace papers::udp
