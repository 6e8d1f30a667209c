// engine_generator.hpp — seeded random sequences of System V calls, valid
// and invalid, by parties of different credentials, for a CallTwin to run
// on both its sides and compare (engine_diff_test.cpp, layerdiff_test.cpp).
// The same seed and options give the same sequence.
#pragma once
#include <cstdint>
#include <random>

#include "engine_call_twin.hpp"

namespace papers::dipc::enginetest {

struct GeneratorOptions {
    // A step may lose host 2 (the engine twin's parties of that host).
    bool lose_host = true;
    // Percent of buffer-taking calls given a bad pointer (Fault), and of
    // semtimedop calls given a bad timespec pointer.
    int fault_percent = 0;
    // Percent of blocking calls kept in flight, for another party to
    // complete (or a removal to end with EIDRM), instead of interrupted at
    // once. Calls then come only from idle parties.
    int keep_percent = 0;
};

class Generator {
public:
    Generator(CallTwin& twin, std::uint64_t seed, const proto::Limits& limits, GeneratorOptions options = {});
    void step();

private:
    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template <class T, std::size_t N>
    T pick(const T (&a)[N]) { return a[below(N)]; }
    int party();
    int mode();
    void maybe_fault(KRequest& q);

    void check_one();
    void semget();
    void msgget();
    bool choose(proto::Kind kind, Target& tg, int& nsems, bool by_index = false);
    short semval_op();
    void semop();
    void semctl();
    void msgsnd();
    void msgrcv();
    void msgctl();

    CallTwin& t_;
    std::mt19937_64 rng_;
    proto::Limits limits_;
    GeneratorOptions opt_;
    bool sys_resource_;
};

}  // namespace papers::dipc::enginetest
