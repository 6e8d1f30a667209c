// config_parse.hpp — the papers-ioperm configuration: which users, groups,
// uids and gids may be granted which parallel-port base.
//
// The parser is pure (text in, table or error out) so hostile inputs can be
// tested without touching the file system. Format (docs/papers-ioperm.md):
//
//   # comment
//   port 0x378 users alice,bob groups lp,papers
//   port 0x278 uids 54321 gids 100
//   port 0xe000 users alice ioports any
//
// `ioports any` lets the base be granted although the kernel does not list
// it as a parallel port in /proc/ioports (ioports.hpp); without it such a
// base is refused. Everything not exactly this shape is an error naming the
// line.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace papers::ioperm {

// The helper grants base..base+2 (data, status, control), so the highest
// base whose three registers still fit in the 16-bit I/O space is 0xFFFD.
inline constexpr unsigned kMaxPortBase = 0xFFFF - 2;
inline constexpr unsigned kPortSpan = 3;
inline constexpr std::size_t kMaxConfigBytes = 64 * 1024;
inline constexpr std::size_t kMaxLineBytes = 1024;
inline constexpr std::size_t kMaxNameBytes = 32;

struct PortRule {
    unsigned base = 0;
    std::vector<std::string> users;
    std::vector<std::string> groups;
    std::vector<uid_t> uids;
    std::vector<gid_t> gids;
    bool any_base = false;  // `ioports any`: no /proc/ioports check
    int line = 0;  // where it was written, for messages
};

struct ConfigTable {
    std::vector<PortRule> rules;  // in file order

    const PortRule* find(unsigned base) const;
};

struct ParseResult {
    bool ok = false;
    ConfigTable table;
    std::string error;  // "SOURCE:LINE: what is wrong" when !ok
};

// Parses a whole configuration. `source` names it in error messages.
ParseResult parse_config(std::string_view text, std::string_view source);

// Strict port number: "0x378"/"0X378" hex or plain decimal without leading
// zeros, no sign, no spaces, at most kMaxPortBase. On failure `why` says
// what is wrong with it.
std::optional<unsigned> parse_port(std::string_view s, std::string* why = nullptr);

// Strict decimal id (uid/gid): 0..4294967294 (-1 is "no id" to the kernel).
std::optional<unsigned long> parse_id(std::string_view s, std::string* why = nullptr);

// A user or group name as the config may spell it: 1..32 of [A-Za-z0-9._-],
// not starting with '-', not all digits (use uids/gids for numbers), an
// optional trailing '$' (Samba machine accounts).
bool valid_name(std::string_view s);

// Quotes untrusted text for a message: bytes outside printable ASCII are
// shown as \xNN and long text is cut, so a message never carries terminal
// escapes.
std::string quoted(std::string_view s);

// "0x378" — the spelling used in messages and in PAPERS_PORT.
std::string port_string(unsigned base);

}  // namespace papers::ioperm
