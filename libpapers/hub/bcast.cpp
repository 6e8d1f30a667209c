// bcast.cpp — the root drives every nybble: 2 exchanges per byte.
#include "nybble_backend.hpp"

namespace papers::hub {

int NybbleBackend::bcast(void* buf, std::size_t bytes, int root) {
    if (size_ == 1) return PAPERS_OK;
    return bcast_bytes(static_cast<unsigned char*>(buf), bytes, root, "bcast");
}

}  // namespace papers::hub
