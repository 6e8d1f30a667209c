// reduce_flat.cpp — all-reduce where every rank combines all contributions
// itself: each step every rank puts a chunk of its vector into its slot,
// then folds the slots of ranks 0, 1, ..., N-1 in that order into `out`.
// The order is the same on every rank, so floating-point results are
// bit-identical everywhere. Best for short vectors and for 2 ranks (one
// step, one line transfer per peer for up to 56 bytes).
#include <algorithm>
#include <cstring>

#include "../core/typeops.hpp"
#include "reduce_kernels.hpp"
#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::reduce_flat(const void* in, void* out, std::size_t count, papers_type_t type,
                            papers_op_t op) {
    const std::size_t es = type_size(type);
    const auto* src = static_cast<const unsigned char*>(in);
    auto* dst = static_cast<unsigned char*>(out);
    if (n_ == 1) {
        if (dst != src) std::memmove(dst, src, count * es);
        if (op == PAPERS_LAND || op == PAPERS_LOR) normalise_logical(dst, count, type);
        return 0;
    }
    const std::size_t per = st_.cap() / es;  // elements per step
    for (std::size_t i0 = 0; i0 < count; i0 += per) {
        const std::size_t cnt = std::min(per, count - i0);
        const std::size_t len = cnt * es;
        unsigned char* p = nullptr;
        if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "papers_reduce");
        std::memcpy(p, src + i0 * es, len);  // before touching out: in may alias it
        st_.publish();
        unsigned char* acc = dst + i0 * es;
        for (int r = 0; r < n_; ++r) {
            const unsigned char* d = p;
            if (r != me_)
                if (int rc = st_.await(r, &d); rc) return step_failed(rc, "papers_reduce");
            if (r == 0) std::memcpy(acc, d, len);
            else combine_fast(acc, d, cnt, type, op);
        }
    }
    return 0;
}

}  // namespace papers::shm
