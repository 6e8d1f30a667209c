// Binomial-tree broadcast: with ranks renumbered relative to the root
// (v = me - root mod n), v receives from v - lowbit(v) at the level of its
// lowest set bit, then sends to v + m for each smaller power of two m. The
// round number is log2 of the level, so a message is named the same on
// both ends. ceil(log2 n) levels; the buffer is shared by all children.
#include <cstring>

#include "algorithms.hpp"

namespace papers::udp {

int binomial_bcast(Transport& t, std::uint8_t* buf, std::size_t bytes, int root) {
    const int me = t.rank(), n = t.size();
    const int v = (me - root + n) % n;
    int mask = 1;
    std::uint8_t level = 0;
    while (mask < n) {
        if (v & mask) {
            const int parent = (v - mask + root) % n;
            if (int rc = t.wait_one(parent, level, bytes)) return rc;
            std::memcpy(buf, t.received(level, parent).data(), bytes);
            break;
        }
        mask <<= 1;
        ++level;
    }
    // Children, largest subtree first (it has the longest way to go).
    Payload shared;
    for (mask >>= 1, --level; mask > 0; mask >>= 1, --level) {
        if (v + mask >= n) continue;
        if (!shared) shared = std::make_shared<const Bytes>(buf, buf + bytes);
        t.post(level, (v + mask + root) % n, shared, 0, bytes);
    }
    return PAPERS_OK;
}

}  // namespace papers::udp
