// debug_tags.cpp — PAPERS_DEBUG=1: before every operation each rank puts a
// tag (operation, size arguments) into its slot and compares it with
// everyone's. A program whose ranks call different collectives (or the same
// one with different sizes) then fails at once with PAPERS_EMISMATCH naming
// both sides, instead of hanging until the timeout or exchanging garbage.
#include <cstring>
#include <string>

#include "../core/error.hpp"
#include "shm_backend.hpp"

namespace papers::shm {

namespace {

struct TagRecord {
    std::uint32_t tag;
    std::uint32_t pad;
    std::uint64_t a, b;
};

std::string describe(const TagRecord& t) {
    static const char* const names[] = {"?",        "papers_barrier", "papers_any",
                                        "papers_all", "papers_waitvec", "papers_bcast",
                                        "papers_gather", "papers_putget", "papers_reduce",
                                        "papers_reduce_loc"};
    const char* name = t.tag < sizeof names / sizeof *names ? names[t.tag] : "?";
    return std::string(name) + "(" + std::to_string(t.a) + ", " + std::to_string(t.b) + ")";
}

}  // namespace

int ShmBackend::check_tag(Tag tag, std::uint64_t a, std::uint64_t b) {
    const TagRecord mine{static_cast<std::uint32_t>(tag), 0, a, b};
    unsigned char* p = nullptr;
    if (int rc = st_.begin_write(&p); rc) return step_failed(rc, "debug tag check");
    std::memcpy(p, &mine, sizeof mine);
    st_.publish();
    for (int r = 0; r < n_; ++r) {
        if (r == me_) continue;
        const unsigned char* d = nullptr;
        if (int rc = st_.await(r, &d); rc) return step_failed(rc, "debug tag check");
        TagRecord theirs;
        std::memcpy(&theirs, d, sizeof theirs);
        if (theirs.tag != mine.tag || theirs.a != mine.a || theirs.b != mine.b)
            return set_error(PAPERS_EMISMATCH,
                             "PAPERS_DEBUG: rank " + std::to_string(me_) + " called " +
                                 describe(mine) + " while rank " + std::to_string(r) +
                                 " called " + describe(theirs));
    }
    return 0;
}

}  // namespace papers::shm
