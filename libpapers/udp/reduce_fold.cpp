// MPICH's fold for all-reduces on any number of ranks: with p2 the largest
// power of two <= n and rem = n - p2, the first 2*rem ranks pair up; the
// even one hands its vector to the odd neighbour (round 0) and waits, so
// p2 ranks remain for the power-of-two algorithm (recursive doubling or
// Rabenseifner); at the end each odd rank hands the result back.
#include <cstring>

#include "../core/typeops.hpp"
#include "algorithms.hpp"

namespace papers::udp {

Fold::Fold(int me, int n) : me_(me) {
    p2 = power_of_two_floor(n);
    rem = n - p2;
    if (me < 2 * rem)
        newrank = (me % 2) ? me / 2 : -1;
    else
        newrank = me - rem;
}

int Fold::fold_in(Transport& t, std::uint8_t* acc, std::size_t count, papers_type_t type,
                  papers_op_t op) const {
    if (me_ >= 2 * rem) return PAPERS_OK;
    const std::size_t bytes = count * type_size(type);
    if (me_ % 2 == 0) {
        t.post(0, me_ + 1, Bytes(acc, acc + bytes));
        return PAPERS_OK;
    }
    if (int rc = t.wait_one(me_ - 1, 0, bytes)) return rc;
    combine(acc, t.received(0, me_ - 1).data(), count, type, op);
    return PAPERS_OK;
}

int Fold::fold_out(Transport& t, std::uint8_t* acc, std::size_t bytes, std::uint8_t round) const {
    if (me_ >= 2 * rem) return PAPERS_OK;
    if (me_ % 2 == 1) {
        t.post(round, me_ - 1, Bytes(acc, acc + bytes));
        return PAPERS_OK;
    }
    if (int rc = t.wait_one(me_ + 1, round, bytes)) return rc;
    std::memcpy(acc, t.received(round, me_ + 1).data(), bytes);
    return PAPERS_OK;
}

}  // namespace papers::udp
