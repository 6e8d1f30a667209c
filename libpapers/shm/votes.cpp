// votes.cpp — any, all and waitvec in one step: every rank puts its flag
// (one byte, on the same cache line as its sequence word) and reads all N.
#include <cstring>

#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::vote_step(int flag, const char* op, unsigned char* flags) {
    const unsigned char mine = flag != 0;
    unsigned char* p = nullptr;
    if (int rc = st_.begin_write(&p); rc) return step_failed(rc, op);
    p[0] = mine;
    st_.publish();
    for (int r = 0; r < n_; ++r) {
        if (r == me_) {
            flags[r] = mine;
            continue;
        }
        const unsigned char* d = nullptr;
        if (int rc = st_.await(r, &d); rc) return step_failed(rc, op);
        flags[r] = d[0];
    }
    return 0;
}

int ShmBackend::any(int flag) {
    if (int rc = vote_step(flag, "papers_any", scratch_.data()); rc) return rc;
    for (int r = 0; r < n_; ++r)
        if (scratch_[r]) return 1;
    return 0;
}

int ShmBackend::all(int flag) {
    if (int rc = vote_step(flag, "papers_all", scratch_.data()); rc) return rc;
    for (int r = 0; r < n_; ++r)
        if (!scratch_[r]) return 0;
    return 1;
}

int ShmBackend::waitvec(int flag, std::uint64_t* mask) {
    if (int rc = vote_step(flag, "papers_waitvec", scratch_.data()); rc) return rc;
    std::uint64_t m = 0;
    for (int r = 0; r < n_ && r < 64; ++r)
        if (scratch_[r]) m |= std::uint64_t(1) << r;
    *mask = m;
    return 0;
}

}  // namespace papers::shm
