// gather.cpp — every PE broadcasts its block in rank order: 2*N exchanges
// per byte, which is the information bound of a 4-bit wide hub.
#include <cstring>

#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::gather(const void* in, void* out, std::size_t bytes) {
    auto* dst = static_cast<unsigned char*>(out);
    std::memmove(dst + static_cast<std::size_t>(rank_) * bytes, in, bytes);
    if (size_ == 1) return PAPERS_OK;
    for (int r = 0; r < size_; ++r)
        if (int rc = bcast_bytes(dst + static_cast<std::size_t>(r) * bytes, bytes, r, "gather"); rc)
            return rc;
    return PAPERS_OK;
}

}  // namespace papers::hub
