// dipc_proto_fuzz_seeds DIR — writes the seed corpus of dipc_proto_fuzz
// (fuzz_proto_seeds.hpp) into DIR, one file per seed:
//   build/bin/dipc_proto_fuzz_seeds tests/dipc/fuzz_corpus
#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz_proto_seeds.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: dipc_proto_fuzz_seeds DIR\n");
        return 2;
    }
    for (const auto& [name, bytes] : papers::dipc::fuzz::proto_seeds()) {
        const std::string path = std::string(argv[1]) + "/" + name;
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!f) {
            std::fprintf(stderr, "dipc_proto_fuzz_seeds: cannot write %s\n", path.c_str());
            return 1;
        }
    }
    return 0;
}
