// reduce_loc.cpp — min/max with location in one step (instead of the
// generic reduce + waitvec): every rank puts its value, every rank scans
// ranks 0..N-1 and keeps the first strictly better one (FirstExtreme, the
// rule of every backend), so ties go to the lowest rank.
#include <cstring>

#include "../core/typeops.hpp"
#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) {
    const std::size_t es = type_size(type);
    unsigned char* p = nullptr;
    if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "papers_reduce_loc");
    std::memcpy(p, value, es);
    st_.publish();
    FirstExtreme best(type, op);
    for (int r = 0; r < n_; ++r) {
        const unsigned char* d = p;
        if (r != me_)
            if (int rc = st_.await(r, &d); rc) return step_failed(rc, "papers_reduce_loc");
        best.offer(r, d);
    }
    // The value points into a slot that stays valid until my next step.
    std::memcpy(value, best.value(), es);
    *rank = best.rank();
    return 0;
}

}  // namespace papers::shm
