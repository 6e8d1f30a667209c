// bench_ops.hpp — the operations papers-bench times, by name, on the C API.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace papers::bench {

struct OpSpec {
    std::string name;   // barrier, allreduce, bcast, gather, any
    std::size_t bytes;  // payload per PE (allreduce: count*8 of doubles, or 4 for int32)
};

// Parses "barrier,allreduce:4,bcast:64" into specs; empty on error with err set.
std::vector<OpSpec> parse_ops(const std::string& list, std::string& err);

}  // namespace papers::bench
