// ioperm_config_fuzz — papers-ioperm's configuration parser and its
// /proc/ioports reader: the only text a privileged helper reads that an
// administrator (or someone who could edit the file) wrote.
// Invariants: an accepted table is what the grammar allows (bases in range,
// no overlaps, every line names someone, valid names); an error names the
// source and line and carries no control characters (it is printed on a
// terminal); the ioports classifier never reads out of bounds (ASan).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config_parse.hpp"
#include "ioports.hpp"

using namespace papers::ioperm;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

bool printable(std::string_view s) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ParseResult r = parse_config(text, "fuzz.conf");
    if (r.ok) {
        require(r.error.empty());
        for (std::size_t i = 0; i < r.table.rules.size(); ++i) {
            const PortRule& a = r.table.rules[i];
            require(a.base <= kMaxPortBase);
            require(!a.users.empty() || !a.groups.empty() || !a.uids.empty() || !a.gids.empty());
            for (const auto& n : a.users) require(valid_name(n));
            for (const auto& n : a.groups) require(valid_name(n));
            for (const uid_t u : a.uids) require(u != static_cast<uid_t>(-1));
            require(r.table.find(a.base) == &a);
            for (std::size_t j = 0; j < i; ++j) {
                const unsigned lo = std::min(a.base, r.table.rules[j].base);
                const unsigned hi = std::max(a.base, r.table.rules[j].base);
                require(hi - lo >= kPortSpan);
            }
        }
    } else {
        require(r.table.rules.empty());
        require(r.error.rfind("fuzz.conf", 0) == 0);
        require(printable(r.error));
    }
    // The same bytes as /proc/ioports, for a base taken from the input.
    const unsigned base = size >= 2 ? (unsigned(data[0]) << 8 | data[1]) % (kMaxPortBase + 1) : 0x378;
    const IoportsVerdict v = classify_base(text, base);
    require(v == IoportsVerdict::parport || v == IoportsVerdict::other || v == IoportsVerdict::hidden);
    std::string why;
    if (const auto p = parse_port(text, &why)) require(*p <= kMaxPortBase && port_string(*p).size() >= 3);
    (void)parse_id(text, &why);
    require(printable(quoted(text)));
    return 0;
}
