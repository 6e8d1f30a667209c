// bcast.cpp — the root drives every nybble: 2 exchanges per byte.
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::bcast(void* buf, std::size_t bytes, int root) {
    if (size_ == 1) return PAPERS_OK;
    return bcast_bytes(static_cast<unsigned char*>(buf), bytes, root, "bcast");
}

}  // namespace papers::hub
