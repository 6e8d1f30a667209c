// Bruck's all-gather (Bruck et al. 1997): rank i keeps blocks i, i+1, ...
// (mod n) in local order; in round k it sends the first min(2^k, n-2^k)
// of them to i-2^k and appends those of i+2^k. ceil(log2 n) rounds for any
// n, each rank sending (n-1) blocks in total; a final rotation puts block r
// at position r.
#include <algorithm>
#include <cstring>

#include "algorithms.hpp"

namespace papers::udp {

int bruck_allgather(Transport& t, const std::uint8_t* in, std::size_t bytes, std::uint8_t* out,
                    std::uint8_t first_round) {
    const int me = t.rank(), n = t.size();
    Bytes local(bytes * std::size_t(n));
    std::memcpy(local.data(), in, bytes);
    std::size_t have = 1;
    std::uint8_t round = first_round;
    for (int d = 1; d < n; d <<= 1, ++round) {
        const std::size_t blocks = std::min<std::size_t>(std::size_t(d), std::size_t(n - d));
        const int to = (me - d + n) % n, from = (me + d) % n;
        t.post(round, to, Bytes(local.begin(), local.begin() + std::ptrdiff_t(blocks * bytes)));
        if (int rc = t.wait_one(from, round, blocks * bytes)) return rc;
        const Bytes& got = t.received(round, from);
        std::memcpy(local.data() + have * bytes, got.data(), blocks * bytes);
        have += blocks;
    }
    for (int p = 0; p < n; ++p)
        std::memcpy(out + std::size_t((me + p) % n) * bytes, local.data() + std::size_t(p) * bytes, bytes);
    return PAPERS_OK;
}

}  // namespace papers::udp
