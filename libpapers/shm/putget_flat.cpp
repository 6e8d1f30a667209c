// putget_flat.cpp — every rank puts its buffer into its slot (it cannot know
// who will read it) and copies the slot of its source; chunked like gather.
#include <algorithm>
#include <cstring>

#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::putget(const void* in, void* out, std::size_t bytes, int src) {
    const auto* from = static_cast<const unsigned char*>(in);
    auto* to = static_cast<unsigned char*>(out);
    const std::size_t cap = st_.cap();
    for (std::size_t off = 0; off < bytes; off += cap) {
        const std::size_t len = std::min(cap, bytes - off);
        unsigned char* p = nullptr;
        if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "papers_putget");
        std::memcpy(p, from + off, len);
        st_.publish();
        const unsigned char* d = p;  // src == me: my own slot (in and out may alias)
        if (src != me_)
            if (int rc = st_.await(src, &d); rc) return step_failed(rc, "papers_putget");
        std::memcpy(to + off, d, len);
    }
    return 0;
}

}  // namespace papers::shm
