// putget for small blocks: a rank does not know who reads it, so every rank
// all-gathers the data itself (Bruck, the fewest rounds) and keeps block
// `src`. Starting with an all-gather makes it a "full" operation for the
// retention rule (message_store.hpp), as the direct form is.
#include <cstring>

#include "algorithms.hpp"

namespace papers::udp {

int putget_allgather(Transport& t, const std::uint8_t* in, std::uint8_t* out, std::size_t bytes,
                     int src) {
    Bytes all(bytes * std::size_t(t.size()));
    if (int rc = bruck_allgather(t, in, bytes, all.data())) return rc;
    std::memcpy(out, all.data() + std::size_t(src) * bytes, bytes);
    return PAPERS_OK;
}

}  // namespace papers::udp
