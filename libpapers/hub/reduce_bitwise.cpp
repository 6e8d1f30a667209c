// reduce_bitwise.cpp — reductions the NAND computes directly.
//   BAND: send x, AND = ~NAND.   BOR: send ~x, OR = NAND.
//   LAND/LOR: one truth bit per element, four elements per exchange.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../core/typeops.hpp"
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::reduce_bitwise(const unsigned char* in, unsigned char* out, std::size_t bytes,
                                  papers_op_t op) {
    const bool is_and = op == PAPERS_BAND;
    for (std::size_t i = 0; i < bytes; ++i) {
        const unsigned char v = in[i];  // in may alias out: read before writing
        std::uint8_t lo = 0, hi = 0;
        int rc = is_and ? and4(v & 0xF, &lo, {"reduce band", "low nybble", i})
                        : or4(v & 0xF, &lo, {"reduce bor", "low nybble", i});
        if (rc) return rc;
        rc = is_and ? and4(v >> 4, &hi, {"reduce band", "high nybble", i})
                    : or4(v >> 4, &hi, {"reduce bor", "high nybble", i});
        if (rc) return rc;
        out[i] = static_cast<unsigned char>(lo | (hi << 4));
    }
    return PAPERS_OK;
}

int HubEngine::reduce_logical(const void* in, void* out, std::size_t count,
                                  papers_type_t type, papers_op_t op) {
    const std::size_t es = type_size(type);
    std::vector<unsigned char> truth(in == out ? count * es : 0);
    const unsigned char* src = static_cast<const unsigned char*>(in);
    if (in == out) {
        std::copy(src, src + count * es, truth.begin());
        src = truth.data();
    }
    std::vector<unsigned char> one(es);
    for (std::size_t base = 0; base < count; base += 4) {
        std::uint8_t x = 0;
        for (std::size_t lane = 0; lane < 4 && base + lane < count; ++lane) {
            std::copy(src + (base + lane) * es, src + (base + lane + 1) * es, one.begin());
            normalise_logical(one.data(), 1, type);
            bool t = false;
            for (auto b : one) t |= b != 0;
            if (t) x |= std::uint8_t(1u << lane);
        }
        std::uint8_t r = 0;
        int rc = op == PAPERS_LAND ? and4(x, &r, {"reduce land", "four elements", base / 4})
                                   : or4(x, &r, {"reduce lor", "four elements", base / 4});
        if (rc) return rc;
        for (std::size_t lane = 0; lane < 4 && base + lane < count; ++lane) {
            unsigned char* dst = static_cast<unsigned char*>(out) + (base + lane) * es;
            std::fill(dst, dst + es, 0);
            dst[0] = (r >> lane) & 1u;  // 1 in the element type (little-endian)
            if (type_is_float(type)) {
                const double d = (r >> lane) & 1u;
                if (type == PAPERS_FLOAT) {
                    const float f = static_cast<float>(d);
                    std::memcpy(dst, &f, sizeof f);
                } else {
                    std::memcpy(dst, &d, sizeof d);
                }
            }
        }
    }
    return PAPERS_OK;
}

}  // namespace papers::hub
