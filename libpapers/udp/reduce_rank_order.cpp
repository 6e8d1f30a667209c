// Floating-point SUM and PROD depend on the order of combination, and the
// API promises the sequential order x0 (op) x1 (op) ... (op) x(n-1) on
// every rank. So every rank gathers all contributions (Bruck, log rounds)
// and folds them itself in rank order: identical inputs, identical code,
// identical bits everywhere. Costs n times the vector in memory and
// traffic; integer and order-free float ops use the log-round reductions.
#include <cstring>

#include "../core/typeops.hpp"
#include "algorithms.hpp"

namespace papers::udp {

int rank_order_allreduce(Transport& t, std::uint8_t* acc, std::size_t count, papers_type_t type,
                         papers_op_t op) {
    const int n = t.size();
    const std::size_t bytes = count * type_size(type);
    Bytes all(bytes * std::size_t(n));
    if (int rc = bruck_allgather(t, acc, bytes, all.data())) return rc;
    std::memcpy(acc, all.data(), bytes);
    for (int r = 1; r < n; ++r) combine(acc, all.data() + std::size_t(r) * bytes, count, type, op);
    return PAPERS_OK;
}

}  // namespace papers::udp
