// reduce_split.cpp — all-reduce of long vectors as reduce-scatter followed
// by all-gather, per chunk of the slot capacity:
//   step A: every rank puts its chunk; rank r combines slice r of the chunk
//           over ranks 0..N-1 (in rank order, so the bits do not depend on
//           who computes the slice);
//   step B: every rank puts its combined slice; everyone copies all slices.
// Each rank combines 1/N of the data instead of all of it and reads about
// 2/N of the peers' bytes instead of all of them.
#include <algorithm>
#include <cstring>

#include "../core/typeops.hpp"
#include "reduce_kernels.hpp"
#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::reduce_split(const void* in, void* out, std::size_t count, papers_type_t type,
                             papers_op_t op) {
    const std::size_t es = type_size(type);
    const auto* src = static_cast<const unsigned char*>(in);
    auto* dst = static_cast<unsigned char*>(out);
    const std::size_t per = st_.cap() / es;
    const auto n = std::size_t(n_);
    for (std::size_t i0 = 0; i0 < count; i0 += per) {
        const std::size_t cnt = std::min(per, count - i0);
        auto lo = [&](std::size_t r) { return cnt * r / n; };  // slice r: [lo(r), lo(r+1))

        // Step A: contribute the chunk, combine my slice.
        unsigned char* p = nullptr;
        if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "papers_reduce");
        std::memcpy(p, src + i0 * es, cnt * es);
        st_.publish();
        const std::size_t my_lo = lo(std::size_t(me_)), my_cnt = lo(std::size_t(me_) + 1) - my_lo;
        unsigned char* acc = dst + (i0 + my_lo) * es;
        for (int r = 0; r < n_; ++r) {
            const unsigned char* d = p;
            if (r != me_)
                if (int rc = st_.await(r, &d); rc) return step_failed(rc, "papers_reduce");
            if (my_cnt == 0) continue;  // still take part in the step's waits
            if (r == 0) std::memcpy(acc, d + my_lo * es, my_cnt * es);
            else combine_fast(acc, d + my_lo * es, my_cnt, type, op);
        }

        // Step B: share my slice, collect the others.
        unsigned char* q = nullptr;
        if (int rc = st_.begin_write(&q); rc) return step_failed(rc, "papers_reduce");
        std::memcpy(q, acc, my_cnt * es);
        st_.publish();
        for (int r = 0; r < n_; ++r) {
            if (r == me_) continue;
            const std::size_t r_lo = lo(std::size_t(r)), r_cnt = lo(std::size_t(r) + 1) - r_lo;
            const unsigned char* d = nullptr;
            if (int rc = st_.await(r, &d); rc) return step_failed(rc, "papers_reduce");
            std::memcpy(dst + (i0 + r_lo) * es, d, r_cnt * es);
        }
    }
    return 0;
}

}  // namespace papers::shm
