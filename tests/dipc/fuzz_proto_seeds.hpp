// fuzz_proto_seeds.hpp — the seed corpus of dipc_proto_fuzz: a valid frame
// body (header and message) of every op, forwards of every client call,
// replies with every payload record, and the records alone. Written to
// tests/dipc/fuzz_corpus/ by dipc_proto_fuzz_seeds; the corpus test checks
// the files there are these.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace papers::dipc::fuzz {

using Seed = std::pair<std::string, std::vector<std::uint8_t>>;  // file name, bytes

std::vector<Seed> proto_seeds();

}  // namespace papers::dipc::fuzz
