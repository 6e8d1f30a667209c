// bcast_pipelined.cpp — the root copies the buffer into its slot one chunk
// (the slot capacity) per step; the others copy it out. The two slot
// parities form a two-stage pipeline: the root fills chunk k+1 while the
// readers still copy chunk k, and it waits only when readers are a whole
// chunk behind. Every size works; 1 byte costs one line transfer.
#include <algorithm>
#include <cstring>

#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::bcast(void* buf, std::size_t bytes, int root) {
    if (n_ == 1) return 0;
    auto* b = static_cast<unsigned char*>(buf);
    const std::size_t cap = st_.cap();
    for (std::size_t off = 0; off < bytes; off += cap) {
        const std::size_t len = std::min(cap, bytes - off);
        if (me_ == root) {
            unsigned char* p = nullptr;
            if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "papers_bcast");
            std::memcpy(p, b + off, len);
            st_.publish();
        } else {
            st_.begin_silent();
            const unsigned char* d = nullptr;
            if (int rc = st_.await(root, &d); rc) return step_failed(rc, "papers_bcast");
            std::memcpy(b + off, d, len);
        }
    }
    return 0;
}

}  // namespace papers::shm
