// shell_quote.hpp — one word for /bin/sh, whatever it contains: the
// commands papers-bench hands to system(3)/popen(3) carry paths of the build.
#pragma once
#include <string>

namespace papers::bench {

inline std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace papers::bench
