// The seed corpus of dipc_proto_fuzz, without libFuzzer: the checked-in
// files are the generator's, each keeps the decoders' invariants
// (fuzz_proto_check.hpp), and so does every truncation and many one-byte
// changes of each (a small deterministic fuzz that runs with any compiler).
#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "fuzz_proto_check.hpp"
#include "fuzz_proto_seeds.hpp"

using namespace papers::dipc::fuzz;

namespace {

const std::string kDir = FUZZ_CORPUS_DIR;
const char* kRegenerate = "regenerate: build/bin/dipc_proto_fuzz_seeds tests/dipc/fuzz_corpus";

std::map<std::string, std::vector<std::uint8_t>> checked_in() {
    std::map<std::string, std::vector<std::uint8_t>> files;
    DIR* d = opendir(kDir.c_str());
    if (!d) return files;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::ifstream f(kDir + "/" + name, std::ios::binary);
        files[name] = std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), {});
    }
    closedir(d);
    return files;
}

TEST(DipcProtoCorpus, CheckedInSeedsAreTheGenerators) {
    auto files = checked_in();
    std::set<std::string> names;
    for (const auto& [name, bytes] : proto_seeds()) {
        names.insert(name);
        auto it = files.find(name);
        ASSERT_NE(it, files.end()) << name << " is missing; " << kRegenerate;
        EXPECT_EQ(it->second, bytes) << name << " is stale; " << kRegenerate;
    }
    for (const auto& [name, bytes] : files) EXPECT_TRUE(names.count(name)) << name << " is no seed of the generator";
}

TEST(DipcProtoCorpus, EverySeedDecodesAsItsMessageAndRoundTrips) {
    std::set<std::string> ops;
    for (const auto& [name, bytes] : proto_seeds()) {
        CheckResult r = check_decoders(bytes.data(), bytes.size());
        EXPECT_EQ(r.broken, "") << name;
        if (name.rfind("record-", 0) == 0) {
            EXPECT_GE(r.accepted, 1) << name;
        } else {
            EXPECT_TRUE(r.header_ok && r.message_ok) << name;
            ops.insert(name.substr(0, name.find_first_of("-.")));
        }
    }
    // A seed for every op there is.
    for (int op = 0; op < 0x10000; ++op) {
        const char* n = papers::dipc::proto::op_name(static_cast<papers::dipc::proto::Op>(op));
        if (std::string(n) != "unknown") {
            EXPECT_TRUE(ops.count(n)) << "no seed for op " << n;
        }
    }
}

TEST(DipcProtoCorpus, TruncatedAndAlteredSeedsKeepTheInvariants) {
    const std::uint8_t changes[] = {0x00, 0xff, 0x01, 0x80, 0x7f};
    long inputs = 0;
    for (const auto& [name, seed] : proto_seeds()) {
        for (std::size_t n = 0; n <= seed.size(); ++n) {
            CheckResult r = check_decoders(seed.data(), n);
            ASSERT_EQ(r.broken, "") << name << " cut to " << n << " bytes";
            ++inputs;
        }
        for (std::size_t i = 0; i < seed.size(); ++i)
            for (std::uint8_t c : changes) {
                std::vector<std::uint8_t> b = seed;
                b[i] = c == 0x01 || c == 0x80 ? static_cast<std::uint8_t>(b[i] ^ c) : c;
                CheckResult r = check_decoders(b.data(), b.size());
                ASSERT_EQ(r.broken, "") << name << " with byte " << i << " changed";
                ++inputs;
            }
    }
    std::printf("%ld altered inputs checked\n", inputs);
}

}  // namespace
