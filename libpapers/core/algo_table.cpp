#include "algo_table.hpp"

#include <cerrno>
#include <cstdlib>

namespace papers::algo {

namespace {

constexpr std::string_view kCollectives[] = {"barrier", "bcast",  "gather",
                                             "putget",  "reduce", "reduce_loc"};

bool known_collective(std::string_view c) {
    for (auto k : kCollectives)
        if (k == c) return true;
    return false;
}

}  // namespace

bool parse_overrides(std::string_view text, Overrides& out, std::string& err) {
    out.clear();
    const std::string syntax = " (syntax: collective=algorithm[:N],...; collectives: "
                               "barrier, bcast, gather, putget, reduce, reduce_loc)";
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
            err = "'" + std::string(item) + "' is not collective=algorithm" + syntax;
            return false;
        }
        Override o;
        o.collective = item.substr(0, eq);
        std::string_view alg = item.substr(eq + 1);
        if (const std::size_t colon = alg.find(':'); colon != std::string_view::npos) {
            const std::string n(alg.substr(colon + 1));
            char* end = nullptr;
            errno = 0;
            const long v = std::strtol(n.c_str(), &end, 10);
            if (n.empty() || errno || *end || v < 1) {
                err = "'" + std::string(item) + "': the parameter after ':' must be a number >= 1";
                return false;
            }
            o.parameter = v;
            alg = alg.substr(0, colon);
        }
        o.algorithm = alg;
        if (!known_collective(o.collective)) {
            err = "'" + o.collective + "' is not a collective" + syntax;
            return false;
        }
        for (const Override& seen : out)
            if (seen.collective == o.collective) {
                err = o.collective + " is named twice";
                return false;
            }
        out.push_back(std::move(o));
    }
    return true;
}

std::size_t Resolver::find(const char* collective) const {
    for (std::size_t i = 0; i < overrides_.size(); ++i)
        if (overrides_[i].collective == collective) return i;
    return npos;
}

void Resolver::fail(const Override& o, const std::string& why) {
    if (error_.empty())
        error_ = "PAPERS_ALGORITHMS: " + o.collective + "=" + o.algorithm + ": on the " + backend_ +
                 " backend it " + why;
}

bool Resolver::ok(std::string& err) {
    for (std::size_t i = 0; i < overrides_.size(); ++i)
        if (!used_[i])
            fail(overrides_[i], "has no choice of " + overrides_[i].collective +
                                    " algorithm (it chooses for: " +
                                    (names_.empty() ? std::string("nothing") : names_) + ")");
    err = error_;
    return error_.empty();
}

}  // namespace papers::algo
