#include "env_vars.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace papers::env {

namespace {

bool is_word_in(std::string_view words, std::string_view w) {
    while (!words.empty()) {
        const std::size_t bar = words.find('|');
        if (words.substr(0, bar) == w) return true;
        if (bar == std::string_view::npos) break;
        words.remove_prefix(bar + 1);
    }
    return false;
}

std::string format_seconds(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", s);
    return b;
}

}  // namespace

const char* process_env(const char* name) { return std::getenv(name); }

const char* foreign(const char* name) {
    const char* v = std::getenv(name);
    return (v && *v) ? v : nullptr;
}

std::string describe_values(const Var& v) {
    switch (v.kind) {
        case Kind::integer: {
            std::string what = *v.unit ? std::string("a number of ") + v.unit : "a number";
            return what + " from " + std::to_string(v.min) + " to " + std::to_string(v.max);
        }
        case Kind::seconds:
            return "seconds in (" + format_seconds(v.min_s) + ", " + format_seconds(v.max_s) + "]";
        case Kind::choice: {
            std::string out = "one of ";
            for (const char* p = v.choices; *p; ++p) out += *p == '|' ? std::string(", ") : std::string(1, *p);
            return out;
        }
        case Kind::flag: return "1 (or yes, on, true) or 0 (or no, off, false)";
        case Kind::text: return *v.syntax ? v.syntax : "text";
    }
    return "text";
}

Reader::Reader(const Table& table, Lookup lookup) : table_(table), lookup_(lookup) {}

const char* Reader::value(const Var& v) const {
    const char* s = lookup_(v.name);
    return (s && *s) ? s : nullptr;
}

bool Reader::declared(const Var& v) {
    for (const Var* d : table_.vars)
        if (d == &v) return true;
    // A programming error, reported like bad input so that it cannot go unnoticed.
    if (error_.empty())
        error_ = std::string(v.name) + " is read by " + table_.component +
                 " but not declared in its table (env_vars.hpp)";
    return false;
}

bool Reader::is_set(const Var& v) { return declared(v) && value(v) != nullptr; }

std::optional<std::string> Reader::raw(const Var& v) {
    const char* s = declared(v) ? value(v) : nullptr;
    return s ? std::optional<std::string>(s) : std::nullopt;
}

void Reader::fail(const Var& v, const std::string& must_be, const char* got) {
    if (!error_.empty()) return;  // the first one is the one to fix first
    error_ = std::string(v.name) + " must be " + must_be + ", got '" + got + "'";
}

std::int64_t Reader::integer(const Var& v, std::int64_t fallback) {
    const char* s = declared(v) ? value(v) : nullptr;
    if (!s) return fallback;
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || n < v.min || n > v.max) {
        fail(v, describe_values(v), s);
        return fallback;
    }
    return n;
}

double Reader::seconds(const Var& v, double fallback) {
    const char* s = declared(v) ? value(v) : nullptr;
    if (!s) return fallback;
    char* end = nullptr;
    const double d = std::strtod(s, &end);
    if (end == s || *end != '\0' || !std::isfinite(d) || d <= v.min_s || d > v.max_s) {
        fail(v, describe_values(v), s);
        return fallback;
    }
    return d;
}

std::string_view Reader::choice(const Var& v, std::string_view fallback) {
    const char* s = declared(v) ? value(v) : nullptr;
    if (!s) return fallback;
    // The words live in the table, so the view outlives the environment.
    std::string_view words = v.choices;
    while (!words.empty()) {
        const std::size_t bar = words.find('|');
        const std::string_view w = words.substr(0, bar);
        if (w == s) return w;
        if (bar == std::string_view::npos) break;
        words.remove_prefix(bar + 1);
    }
    fail(v, describe_values(v), s);
    return fallback;
}

bool Reader::flag(const Var& v, bool fallback) {
    const char* s = declared(v) ? value(v) : nullptr;
    if (!s) return fallback;
    if (is_word_in("1|yes|on|true", s)) return true;
    if (is_word_in("0|no|off|false", s)) return false;
    fail(v, describe_values(v), s);
    return fallback;
}

std::string Reader::take_secret(const Var& v) {
    if (!declared(v)) return {};
    char* s = lookup_ == process_env ? std::getenv(v.name) : nullptr;
    if (!s) return {};
    std::string out(s);
    // volatile stores: the compiler may not drop them as dead.
    for (volatile char* p = s; *p; ++p) *p = 'x';
    unsetenv(v.name);
    return out;
}

std::string Reader::text(const Var& v, std::string fallback) {
    const char* s = declared(v) ? value(v) : nullptr;
    return s ? std::string(s) : fallback;
}

}  // namespace papers::env
