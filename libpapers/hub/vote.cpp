// vote.cpp — any / all in one exchange on lane 0; waitvec as a one-hot OR
// mask, four ranks per exchange.
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::any(int flag) {
    if (size_ == 1) return flag != 0;
    std::uint8_t r = 0;
    if (int rc = or4(flag ? 1 : 0, &r, {"any", "vote", 0}); rc) return rc;
    return r & 1;
}

int HubEngine::all(int flag) {
    if (size_ == 1) return flag != 0;
    std::uint8_t r = 0;
    if (int rc = and4(flag ? 1 : 0, &r, {"all", "vote", 0}); rc) return rc;
    return r & 1;
}

int HubEngine::waitvec(int flag, std::uint64_t* mask) {
    std::vector<bool> mine(size_, false), out;
    mine[rank_] = flag != 0;
    if (size_ == 1) {
        out = mine;
    } else if (int rc = or_mask(mine, out, "waitvec"); rc) {
        return rc;
    }
    std::uint64_t m = 0;
    for (int i = 0; i < size_; ++i)
        if (out[i]) m |= std::uint64_t(1) << i;
    *mask = m;
    return PAPERS_OK;
}

}  // namespace papers::hub
