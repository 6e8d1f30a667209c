// config_values.hpp — the forms of papers-dipcd's option values: addresses,
// allow-list entries, host names, whole numbers. Each check returns "" when
// the text is well-formed, else the problem in words (the caller adds the
// option's name). Nothing here resolves names or touches the network.
#pragma once
#include <cstdint>
#include <string>

namespace papers::dipcd {

// An IPv4 or IPv6 literal, or a DNS name (letters, digits, '-', '.').
std::string address_problem(const std::string& text);

// An allow-list entry: an address as above, or a network "ADDR/BITS"
// (ADDR a literal, BITS <= 32 or 128, host bits zero).
std::string allow_entry_problem(const std::string& text);

// A cluster host name: 1..255 printable characters, no space, '#' or quote.
std::string host_name_problem(const std::string& text);

// A whole number in [min, max], digits only. On success stores it in `out`.
std::string whole_number_problem(const std::string& text, std::uint64_t min, std::uint64_t max,
                                 std::uint64_t& out);

}  // namespace papers::dipcd
