// putget.cpp — first an OR mask of which ranks are wanted by someone else
// (ceil(N/4) exchanges), then only those ranks broadcast their block:
// ceil(N/4) + 2*m*bytes exchanges for m distinct requested PEs, instead of
// the 2*N*bytes of a full gather. Requests for oneself are served locally.
#include <cstring>
#include <vector>

#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::putget(const void* in, void* out, std::size_t bytes, int src) {
    if (size_ == 1) {
        std::memmove(out, in, bytes);
        return PAPERS_OK;
    }
    std::vector<bool> want(size_, false), wanted;
    if (src != rank_) want[src] = true;
    if (int rc = or_mask(want, wanted, "putget"); rc) return rc;
    std::vector<unsigned char> block(bytes);
    std::vector<unsigned char> mine(static_cast<const unsigned char*>(in),
                                    static_cast<const unsigned char*>(in) + bytes);
    for (int r = 0; r < size_; ++r) {
        if (!wanted[r]) continue;
        if (r == rank_) std::memcpy(block.data(), mine.data(), bytes);
        if (int rc = bcast_bytes(block.data(), bytes, r, "putget"); rc) return rc;
        if (r == src) std::memcpy(out, block.data(), bytes);
    }
    if (src == rank_) std::memcpy(out, mine.data(), bytes);
    return PAPERS_OK;
}

}  // namespace papers::hub
