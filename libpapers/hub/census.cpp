// census.cpp — start-up census (spec §6): every PE announces PAPERS_SIZE and
// its rank through flag exchanges, so a hub whose population differs from
// the configuration fails at papers_init with a membership error.
#include <string>

#include "../core/error.hpp"
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::census() {
    // 1. Same size everywhere: AND == OR over the 16-bit size (8 exchanges).
    std::uint16_t and_size = 0, or_size = 0;
    for (unsigned i = 0; i < 4; ++i) {
        const std::uint8_t x = (size_ >> (4 * i)) & 0xF;
        std::uint8_t a = 0, o = 0;
        int rc = and4(x, &a, {"papers_init census", "size (AND)", i});
        if (!rc) rc = or4(x, &o, {"papers_init census", "size (OR)", i});
        if (rc == PAPERS_ETIMEDOUT)
            return set_error(PAPERS_EMEMBERSHIP,
                             last_error() + " -- the hub has more enabled ports than PEs "
                                            "started, or a PE failed to start");
        if (rc) return rc;
        and_size |= std::uint16_t(a << (4 * i));
        or_size |= std::uint16_t(o << (4 * i));
    }
    if (and_size != or_size)
        return set_error(PAPERS_EMEMBERSHIP,
                         "census: PEs disagree on PAPERS_SIZE (this PE has " +
                             std::to_string(size_) + ")");
    // 2. Every rank present exactly once: the OR of one-hot rank bits must be
    //    all ones (a duplicated rank leaves another one missing).
    std::vector<bool> mine(size_, false), seen;
    mine[rank_] = true;
    if (int rc = or_mask(mine, seen, "papers_init census"); rc) return rc;
    std::string missing;
    for (int i = 0; i < size_; ++i)
        if (!seen[i]) missing += (missing.empty() ? "" : ",") + std::to_string(i);
    if (!missing.empty())
        return set_error(PAPERS_EMEMBERSHIP,
                         "census: no PE announced rank(s) " + missing + " of " +
                             std::to_string(size_) +
                             " (two PEs share a rank, or PAPERS_RANK values are wrong)");
    return PAPERS_OK;
}

}  // namespace papers::hub
