// config_parse.cpp — strict parser for the papers-ioperm configuration.
// Strict on purpose: the file decides who may poke hardware registers, so a
// typo must stop the helper rather than be skipped silently.
#include "config_parse.hpp"

#include <algorithm>
#include <cstdio>

namespace papers::ioperm {

std::string quoted(std::string_view s) {
    constexpr std::size_t kMax = 40;
    std::string out = "'";
    for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (s.size() > kMax) out += "...";
    return out + "'";
}

namespace {

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
        if (j > i) words.push_back(line.substr(i, j - i));
        i = j;
    }
    return words;
}

std::vector<std::string_view> split_commas(std::string_view list) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = list.find(',', start);
        parts.push_back(list.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                          : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return parts;
}

// Parses digits in `base` with an explicit overflow bound; no sign, no
// spaces, no prefix — callers strip "0x" themselves.
std::optional<unsigned long> parse_digits(std::string_view s, unsigned base, unsigned long max) {
    if (s.empty()) return std::nullopt;
    unsigned long v = 0;
    for (const char ch : s) {
        unsigned d;
        if (ch >= '0' && ch <= '9') d = static_cast<unsigned>(ch - '0');
        else if (base == 16 && ch >= 'a' && ch <= 'f') d = static_cast<unsigned>(ch - 'a' + 10);
        else if (base == 16 && ch >= 'A' && ch <= 'F') d = static_cast<unsigned>(ch - 'A' + 10);
        else return std::nullopt;
        if (v > (max - d) / base) return std::nullopt;  // v*base+d would exceed max
        v = v * base + d;
    }
    return v;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string port_string(unsigned base) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", base);
    return buf;
}

std::optional<unsigned> parse_port(std::string_view s, std::string* why) {
    auto fail = [&](std::string msg) -> std::optional<unsigned> {
        if (why) *why = std::move(msg);
        return std::nullopt;
    };
    if (s.empty()) return fail("empty port number");
    if (s.size() > 16) return fail("port number " + quoted(s) + " is too long");
    std::optional<unsigned long> v;
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        v = parse_digits(s.substr(2), 16, 0xFFFFFFFFul);
    } else if (s.size() > 1 && s[0] == '0') {
        return fail("port number " + quoted(s) + " has a leading zero (write hex as 0x...)");
    } else {
        v = parse_digits(s, 10, 0xFFFFFFFFul);
    }
    if (!v) return fail(quoted(s) + " is not a port number (expected 0x378 or 888)");
    if (*v > kMaxPortBase)
        return fail("port " + quoted(s) + " is above 0xfffd (base+2 must fit in 0..0xffff)");
    return static_cast<unsigned>(*v);
}

std::optional<unsigned long> parse_id(std::string_view s, std::string* why) {
    constexpr unsigned long kMaxId = 0xFFFFFFFEul;  // (uid_t)-1 means "unchanged"
    if (s.size() > 1 && s[0] == '0') {
        if (why) *why = "id " + quoted(s) + " has a leading zero";
        return std::nullopt;
    }
    auto v = s.size() <= 10 ? parse_digits(s, 10, kMaxId) : std::nullopt;
    if (!v && why) *why = quoted(s) + " is not a numeric id (0..4294967294)";
    return v;
}

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > kMaxNameBytes) return false;
    if (s.front() == '-') return false;
    std::string_view body = s;
    if (body.back() == '$') body.remove_suffix(1);
    if (body.empty() || all_digits(body)) return false;
    return std::all_of(body.begin(), body.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
}

const PortRule* ConfigTable::find(unsigned base) const {
    for (const auto& r : rules)
        if (r.base == base) return &r;
    return nullptr;
}

ParseResult parse_config(std::string_view text, std::string_view source) {
    ParseResult res;
    const std::string src(source);
    if (text.size() > kMaxConfigBytes) {
        res.error = src + ": larger than " + std::to_string(kMaxConfigBytes) + " bytes";
        return res;
    }
    int lineno = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        ++lineno;
        const std::size_t nl = text.find('\n', pos);
        const std::string_view raw =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;

        auto fail = [&](const std::string& msg) {
            res.error = src + ":" + std::to_string(lineno) + ": " + msg;
            res.table.rules.clear();
            return res;
        };
        if (raw.size() > kMaxLineBytes)
            return fail("line is longer than " + std::to_string(kMaxLineBytes) + " bytes");
        for (const char ch : raw) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == 0) return fail("contains a NUL byte");
            if (c == '\r') return fail("contains a carriage return (DOS line ending?)");
            if ((c < 0x20 && c != '\t') || c == 0x7f) return fail("contains a control character");
        }
        const std::string_view content = raw.substr(0, raw.find('#'));
        const auto words = split_words(content);
        if (words.empty()) continue;

        if (words[0] != "port")
            return fail("unknown keyword " + quoted(words[0]) + " (lines start with 'port')");
        if (words.size() < 2) return fail("'port' needs a port number, e.g. port 0x378");
        std::string why;
        const auto base = parse_port(words[1], &why);
        if (!base) return fail(why);
        for (const auto& r : res.table.rules) {
            if (r.base == *base)
                return fail("port " + port_string(*base) + " is already configured on line " +
                            std::to_string(r.line));
            const unsigned lo = std::min(r.base, *base), hi = std::max(r.base, *base);
            if (hi - lo < kPortSpan)
                return fail("port " + port_string(*base) + " overlaps port " + port_string(r.base) +
                            " on line " + std::to_string(r.line) +
                            " (each grant covers base..base+2)");
        }

        PortRule rule;
        rule.base = *base;
        rule.line = lineno;
        bool seen_users = false, seen_groups = false, seen_uids = false, seen_gids = false;
        bool seen_ioports = false;
        for (std::size_t i = 2; i < words.size(); i += 2) {
            const std::string_view kw = words[i];
            if (kw == "ioports") {
                if (seen_ioports) return fail("'ioports' given twice for one port");
                seen_ioports = true;
                if (i + 1 >= words.size() || (words[i + 1] != "any" && words[i + 1] != "parport"))
                    return fail("'ioports' is followed by 'parport' (the default: the kernel must "
                                "list the base as a parallel port) or 'any'");
                rule.any_base = words[i + 1] == "any";
                continue;
            }
            bool* seen = kw == "users"    ? &seen_users
                         : kw == "groups" ? &seen_groups
                         : kw == "uids"   ? &seen_uids
                         : kw == "gids"   ? &seen_gids
                                          : nullptr;
            if (!seen)
                return fail("unknown keyword " + quoted(kw) +
                            " (expected users, groups, uids, gids or ioports)");
            if (*seen) return fail("'" + std::string(kw) + "' given twice for one port");
            *seen = true;
            if (i + 1 >= words.size())
                return fail("'" + std::string(kw) + "' needs a comma-separated list");
            const auto items = split_commas(words[i + 1]);
            for (std::size_t k = 0; k < items.size(); ++k) {
                const std::string_view item = items[k];
                if (item.empty())
                    return fail("empty entry in the '" + std::string(kw) + "' list " +
                                quoted(words[i + 1]));
                if (std::find(items.begin(), items.begin() + static_cast<long>(k), item) !=
                    items.begin() + static_cast<long>(k))
                    return fail(quoted(item) + " is listed twice in '" + std::string(kw) + "'");
                if (kw == "users" || kw == "groups") {
                    if (!valid_name(item))
                        return fail(quoted(item) + " is not a valid " +
                                    (kw == "users" ? "user" : "group") + " name");
                    (kw == "users" ? rule.users : rule.groups).emplace_back(item);
                } else {
                    const auto id = parse_id(item, &why);
                    if (!id) return fail(why);
                    if (kw == "uids") rule.uids.push_back(static_cast<uid_t>(*id));
                    else rule.gids.push_back(static_cast<gid_t>(*id));
                }
            }
        }
        if (!seen_users && !seen_groups && !seen_uids && !seen_gids)
            return fail("port " + port_string(*base) + " names no users, groups, uids or gids");
        res.table.rules.push_back(std::move(rule));
    }
    res.ok = true;
    return res;
}

}  // namespace papers::ioperm
