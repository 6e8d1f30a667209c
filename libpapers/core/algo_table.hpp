// algo_table.hpp — algorithm choice as data (as ucc's *_algs[] tables with
// their selection string, or Open MPI's decision rules kept apart from the
// algorithms).
//
// Each backend declares, per collective with more than one algorithm, a
// table of Algorithm rows in <backend>/<backend>_algorithms.hpp: an id (the
// backend's enum, on which its dispatch switches), the name
// PAPERS_ALGORITHMS uses, when it applies, and its cost. select() is the one
// selection function: the applicable row of least cost, ties to the earlier
// row; a row the user forced wins whenever it applies (a forced row that
// cannot run a call, e.g. a bitwise reduction for a SUM, leaves that call
// to the automatic choice).
//
// One override syntax for every backend, PAPERS_ALGORITHMS:
//   collective=algorithm[:parameter][,collective=algorithm...]
// e.g. "barrier=central,reduce=split" (shm) or "barrier=groups:2" (udp).
// Every rank must be given the same string (papersrun passes the
// environment on); the udp handshake and the shm segment's creator enforce
// it, on the hub a disagreement gives wrong results or a timeout.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace papers::algo {

template <class Id, class Shape>
struct Algorithm {
    Id id;
    const char* name;       // as PAPERS_ALGORITHMS names it
    const char* when;       // when it applies and is chosen, for the docs
    const char* cost_doc;   // what cost() estimates, for the docs
    bool (*applies)(const Shape&);  // may it run this call at all (correctness)
    double (*cost)(const Shape&);   // lower is chosen
    const char* parameter = nullptr;  // what ":N" means for it, or nullptr: none allowed
};

// The one selection function.
template <class Id, class Shape>
const Algorithm<Id, Shape>& select(std::span<const Algorithm<Id, Shape>> table, const Shape& s,
                                   const Algorithm<Id, Shape>* forced = nullptr) {
    if (forced && forced->applies(s)) return *forced;
    const Algorithm<Id, Shape>* best = nullptr;
    double best_cost = 0;
    for (const auto& row : table) {
        if (!row.applies(s)) continue;
        const double c = row.cost(s);
        if (!best || c < best_cost) best = &row, best_cost = c;
    }
    return best ? *best : table.front();  // every table ends in a row that always applies
}

// One entry of PAPERS_ALGORITHMS.
struct Override {
    std::string collective;  // barrier, bcast, gather, putget, reduce, reduce_loc
    std::string algorithm;
    long parameter = -1;     // the N of "name:N", -1 when absent
};
using Overrides = std::vector<Override>;

// Parses PAPERS_ALGORITHMS (syntax above; names of collectives checked, a
// collective named twice is an error). false with `err` set.
bool parse_overrides(std::string_view text, Overrides& out, std::string& err);

// A backend's view of the overrides at start-up: which row each of its
// tables is forced to, and an error for every override it cannot honour
// (an unknown algorithm, a parameter where none is taken, a collective for
// which this backend has no choice).
class Resolver {
public:
    Resolver(const Overrides& overrides, const char* backend)
        : overrides_(overrides), backend_(backend), used_(overrides.size(), false) {}

    // The row forced for `collective`, or nullptr; `*parameter` gets its N.
    template <class Id, class Shape>
    const Algorithm<Id, Shape>* forced(const char* collective,
                                       std::span<const Algorithm<Id, Shape>> table,
                                       long* parameter = nullptr) {
        names_ += (names_.empty() ? "" : ", ") + std::string(collective);
        const std::size_t i = find(collective);
        if (i == npos) return nullptr;
        used_[i] = true;
        const Override& o = overrides_[i];
        std::string known;
        for (const auto& row : table) {
            if (o.algorithm != row.name) {
                known += (known.empty() ? "" : ", ") + std::string(row.name);
                continue;
            }
            if (o.parameter >= 0 && !row.parameter) {
                fail(o, "takes no parameter");
                return nullptr;
            }
            if (parameter) *parameter = o.parameter;
            return &row;
        }
        fail(o, "is not one of its " + std::string(collective) + " algorithms (" + known + ")");
        return nullptr;
    }

    // After every forced(): true, or false with the first error.
    bool ok(std::string& err);

private:
    static constexpr std::size_t npos = std::size_t(-1);
    std::size_t find(const char* collective) const;
    void fail(const Override& o, const std::string& why);

    const Overrides& overrides_;
    const char* backend_;
    std::vector<bool> used_;
    std::string names_;  // the collectives this backend chooses for
    std::string error_;
};

}  // namespace papers::algo
