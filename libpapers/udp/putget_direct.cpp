// putget for larger blocks: a rank does not know who reads it, so the ranks
// all-gather only their 2-byte source indices (Bruck), then each rank sends
// its bytes straight to its readers in one more round. Starting with an
// all-gather makes it a "full" operation for the retention rule
// (message_store.hpp).
#include <cstring>
#include <string>

#include "../core/error.hpp"

#include "algorithms.hpp"

namespace papers::udp {

int putget_direct(Transport& t, const std::uint8_t* in, std::uint8_t* out, std::size_t bytes,
                  int src) {
    const int me = t.rank(), n = t.size();
    std::uint8_t my_src[2];
    put_u16(my_src, static_cast<std::uint16_t>(src));
    Bytes srcs(2 * std::size_t(n));
    if (int rc = bruck_allgather(t, my_src, 2, srcs.data())) return rc;
    const auto direct = static_cast<std::uint8_t>(ceil_log2(n));  // after Bruck's rounds
    Payload mine;
    for (int r = 0; r < n; ++r) {
        const int wants = get_u16(srcs.data() + 2 * r);
        if (wants >= n)  // each rank's papers_putget checked its src: a broken peer
            return set_error(PAPERS_EMISMATCH, "papers_putget: udp: rank " + std::to_string(r) +
                                                   " names source " + std::to_string(wants) +
                                                   ", not a rank");
        if (wants != me || r == me) continue;
        if (!mine) mine = std::make_shared<const Bytes>(in, in + bytes);
        t.post(direct, r, mine, 0, bytes);
    }
    if (src == me) {
        std::memmove(out, in, bytes);
        return PAPERS_OK;
    }
    if (int rc = t.wait_one(src, direct, bytes)) return rc;
    std::memcpy(out, t.received(direct, src).data(), bytes);
    return PAPERS_OK;
}

}  // namespace papers::udp
