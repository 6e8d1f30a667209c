// reduce_bitserial.cpp — MIN/MAX most significant bit first over order keys
// (typeops.hpp). For MAX, the PEs still candidates send their bit and the
// hub's OR says whether any candidate has a 1; if so, candidates with a 0
// drop out. MIN runs MAX on the complemented keys. Four elements travel in
// the four lanes of each exchange: bits*ceil(count/4) exchanges, whatever N.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../core/typeops.hpp"
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::reduce_bitserial(const void* in, void* out, std::size_t count,
                                    papers_type_t type, papers_op_t op,
                                    std::vector<bool>* still_candidate) {
    const std::size_t es = type_size(type);
    const unsigned bits = type_bits(type);
    const std::uint64_t width_mask = bits == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << bits) - 1;
    const auto* src = static_cast<const unsigned char*>(in);
    std::vector<std::uint64_t> keys(count), result(count, 0);
    for (std::size_t i = 0; i < count; ++i) {
        keys[i] = order_key(src + i * es, type);
        if (op == PAPERS_MIN) keys[i] = ~keys[i] & width_mask;
    }
    std::vector<bool> cand(count, true);
    for (std::size_t base = 0; base < count; base += 4) {
        const std::size_t lanes = std::min<std::size_t>(4, count - base);
        for (int b = static_cast<int>(bits) - 1; b >= 0; --b) {
            std::uint8_t x = 0;
            for (std::size_t l = 0; l < lanes; ++l)
                if (cand[base + l] && ((keys[base + l] >> b) & 1u)) x |= std::uint8_t(1u << l);
            std::uint8_t any = 0;
            if (int rc = or4(x, &any, {op == PAPERS_MIN ? "reduce min" : "reduce max", "bit",
                                       static_cast<std::size_t>(b)});
                rc)
                return rc;
            for (std::size_t l = 0; l < lanes; ++l) {
                if (!((any >> l) & 1u)) continue;
                result[base + l] |= std::uint64_t(1) << b;
                if (!((keys[base + l] >> b) & 1u)) cand[base + l] = false;
            }
        }
    }
    auto* dst = static_cast<unsigned char*>(out);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t k = op == PAPERS_MIN ? (~result[i] & width_mask) : result[i];
        from_order_key(k, dst + i * es, type);
    }
    if (still_candidate) *still_candidate = cand;
    return PAPERS_OK;
}

}  // namespace papers::hub
