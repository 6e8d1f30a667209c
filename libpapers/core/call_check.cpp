#include "call_check.hpp"

#include <string>
#include <vector>

#include "error.hpp"

namespace papers {

namespace {

void put_le64(unsigned char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t get_le64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

}  // namespace

int check_same_call(Backend& b, int rank, int size, const CallTag& mine, const char* api) {
    if (size == 1) return PAPERS_OK;
    const std::uint64_t word = encode_tag(mine);
    const std::uint64_t both[2] = {word, ~word};
    std::uint64_t ored[2] = {0, 0};
    if (int rc = b.reduce(both, ored, 2, PAPERS_UINT64, PAPERS_BOR); rc) return rc;
    if ((ored[0] & ored[1]) == 0) return PAPERS_OK;  // no bit is 1 on one PE and 0 on another

    // Every PE saw the disagreement: all of them take part in this gather.
    unsigned char own[8];
    put_le64(own, word);
    std::vector<unsigned char> all(8 * static_cast<std::size_t>(size));
    if (int rc = b.gather(own, all.data(), 8); rc) return rc;
    int other = -1;
    for (int r = 0; r < size && other < 0; ++r)
        if (get_le64(&all[8 * static_cast<std::size_t>(r)]) != word) other = r;
    const std::string theirs =
        other < 0 ? "another PE called something else"
                  : "rank " + std::to_string(other) + " called " +
                        describe_call(decode_tag(get_le64(&all[8 * std::size_t(other)])));
    return set_error(PAPERS_EMISMATCH, std::string("PEs disagree at ") + api + ": rank " +
                                           std::to_string(rank) + " called " +
                                           describe_call(mine) + " while " + theirs +
                                           " (PAPERS_DEBUG call check)");
}

}  // namespace papers
