// fuzz_proto — libFuzzer target for the DIPC wire decoders: any bytes, as a
// frame body and as every message and record (fuzz_proto_check.hpp). Built
// with clang++ (layerdiff.cmake); seeds in tests/dipc/fuzz_corpus/.
#include <cstdio>
#include <cstdlib>

#include "fuzz_proto_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto r = papers::dipc::fuzz::check_decoders(data, size);
    if (!r.broken.empty()) {
        std::fprintf(stderr, "dipc_proto_fuzz: %s\n", r.broken.c_str());
        std::abort();
    }
    return 0;
}
