#include "bench_ops.hpp"

#include <cstdlib>
#include <sstream>

namespace papers::bench {

std::vector<OpSpec> parse_ops(const std::string& list, std::string& err) {
    std::vector<OpSpec> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        OpSpec s;
        const auto colon = item.find(':');
        s.name = item.substr(0, colon);
        s.bytes = 0;
        if (colon != std::string::npos) {
            char* end = nullptr;
            const unsigned long long v = std::strtoull(item.c_str() + colon + 1, &end, 10);
            if (*end || v == 0) {
                err = "bad byte count in '" + item + "'";
                return {};
            }
            s.bytes = v;
        }
        if (s.name == "barrier" || s.name == "any") {
            s.bytes = 0;
        } else if (s.name == "allreduce" || s.name == "allreduce_double") {
            if (!s.bytes) s.bytes = 4;  // one 32-bit integer
            if (s.name == "allreduce_double" && s.bytes % 8) {
                err = "allreduce_double needs a multiple of 8 bytes";
                return {};
            }
            if (s.name == "allreduce" && s.bytes % 4) {
                err = "allreduce (int32) needs a multiple of 4 bytes";
                return {};
            }
        } else if (s.name == "bcast" || s.name == "gather") {
            if (!s.bytes) s.bytes = 4;
        } else {
            err = "unknown operation '" + s.name +
                  "' (barrier, any, allreduce[:bytes], allreduce_double[:bytes], bcast[:bytes], "
                  "gather[:bytes])";
            return {};
        }
        out.push_back(s);
    }
    if (out.empty()) err = "no operations given";
    return out;
}

}  // namespace papers::bench
