// consumer.cpp — the C++ API from an installed papers.
#include <papers/papers.hpp>

#include <cstdio>

int main() {
    try {
        papers::session s;
        const int sum = papers::allreduce(s.rank() + 1, papers::op::sum);
        const auto all = papers::gather(s.rank() * 10);
        if (s.rank() == 0)
            std::printf("consumer_cxx: %d PEs, sum %d, last gathered %d\n", s.size(), sum,
                        all.back());
    } catch (const papers::error& e) {
        std::fprintf(stderr, "consumer_cxx: %s\n", e.what());
        return 1;
    }
    return 0;
}
