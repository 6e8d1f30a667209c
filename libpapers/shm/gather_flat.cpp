// gather_flat.cpp — all-gather: in each step every rank puts the next chunk
// of its block into its slot and copies everyone else's chunk to its place
// in `out`. Blocks larger than the slot take several pipelined steps.
#include <algorithm>
#include <cstring>

#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::gather(const void* in, void* out, std::size_t bytes) {
    const auto* src = static_cast<const unsigned char*>(in);
    auto* dst = static_cast<unsigned char*>(out);
    const std::size_t cap = st_.cap();
    for (std::size_t off = 0; off < bytes; off += cap) {
        const std::size_t len = std::min(cap, bytes - off);
        unsigned char* p = nullptr;
        if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "papers_gather");
        std::memcpy(p, src + off, len);
        st_.publish();
        for (int r = 0; r < n_; ++r) {
            unsigned char* to = dst + std::size_t(r) * bytes + off;
            if (r == me_) {
                std::memmove(to, p, len);  // from my slot: `in` may be my block of `out`
                continue;
            }
            const unsigned char* d = nullptr;
            if (int rc = st_.await(r, &d); rc) return step_failed(rc, "papers_gather");
            std::memcpy(to, d, len);
        }
    }
    return 0;
}

}  // namespace papers::shm
