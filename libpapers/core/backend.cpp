#include "backend.hpp"

#include <cstring>
#include <vector>

#include "typeops.hpp"

namespace papers {

// Generic min/max-with-location: reduce the value, then the lowest rank
// holding it is found with a waitvec. Backends with a cheaper way override.
int Backend::reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) {
    const std::size_t es = type_size(type);
    std::vector<unsigned char> extreme(es);
    if (int rc = reduce(value, extreme.data(), 1, type, op); rc) return rc;
    std::uint64_t mask = 0;
    const bool mine = order_key(value, type) == order_key(extreme.data(), type);
    if (int rc = waitvec(mine ? 1 : 0, &mask); rc) return rc;
    std::memcpy(value, extreme.data(), es);
    *rank = __builtin_ctzll(mask);
    return PAPERS_OK;
}

}  // namespace papers
