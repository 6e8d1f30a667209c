// env_vars.hpp — environment variables, declared once: each component
// (core, hub, shm, udp, mpi, the PMPI interposer, DIPC ...) lists its
// variables in one table of Var (name, kind and bounds, default,
// description), reads them only through a Reader over that table (one
// strict parser for every kind), and docs/environment.md is generated from
// the tables (tools/papers-docgen; ctest docs_environment fails when they
// differ).
//
// A component declares its table in a header of its own folder, e.g.
//
//   inline constexpr env::Var kFence{
//       .name = "PAPERS_SHM_FENCE", .kind = env::Kind::choice,
//       .fallback = "auto", .choices = "auto|strong|asymmetric",
//       .description = "How a publisher and a sleeper agree ..."};
//   inline constexpr const env::Var* kVars[] = {&kFence, ...};
//   inline constexpr env::Table kTable{"shm", "Shared memory backend (shm)", kVars};
//
// reads it with
//
//   env::Reader in(kTable);
//   const std::string_view fence = in.choice(kFence);   // "auto" when unset
//   if (!in.ok()) return set_error(PAPERS_EINVAL, in.error());
//
// and adds `&kTable` to the list in tools/papers-docgen/tables.cpp.
//
// No dependency on any backend or on papers.h: another library can use it.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace papers::env {

enum class Kind : std::uint8_t {
    integer,  // decimal, the whole value, in [min, max]
    seconds,  // a decimal number of seconds in (min_s, max_s]
    choice,   // one of the words in `choices`
    flag,     // 1/yes/on/true or 0/no/off/false
    text,     // any non-empty text; its component parses it (see `syntax`)
};

struct Var {
    const char* name = "";
    Kind kind = Kind::text;
    // The default as the docs show it ("10", "auto", "unset"). The Reader
    // does not parse it: the reading code passes its default, which may
    // depend on the situation ("16384 on loopback, else 1472").
    const char* fallback = "unset";
    const char* description = "";  // Markdown, one paragraph
    std::int64_t min = 0, max = 0;  // integer
    double min_s = 0, max_s = 0;    // seconds
    const char* choices = "";       // choice: "a|b|c"
    const char* unit = "";          // integer: "bytes", "polls", "us" (messages and docs)
    const char* syntax = "";        // text: what it looks like, for the docs
};

struct Table {
    const char* component;  // "shm"
    const char* title;      // the heading in docs/environment.md
    std::span<const Var* const> vars;
};

// Where values come from: the process environment, or a test's map.
using Lookup = const char* (*)(const char* name);
const char* process_env(const char* name);

// Reads the variables of one table. Unset and empty are the same. Every
// accessor returns the value or, when unset or malformed, `fallback`; the
// first malformed value is kept as the error, which names the variable,
// what it must be and what it was.
class Reader {
public:
    explicit Reader(const Table& table, Lookup lookup = process_env);

    bool is_set(const Var& v);
    std::optional<std::string> raw(const Var& v);  // any kind, unparsed

    std::int64_t integer(const Var& v, std::int64_t fallback);
    // With the table's own default (v.fallback), so that it is written once.
    std::int64_t integer(const Var& v) { return integer(v, std::strtoll(v.fallback, nullptr, 10)); }
    double seconds(const Var& v, double fallback);
    std::string_view choice(const Var& v, std::string_view fallback);
    std::string_view choice(const Var& v) { return choice(v, v.fallback); }
    bool flag(const Var& v, bool fallback);
    std::string text(const Var& v, std::string fallback = {});
    // A secret (a key): its text, after which the value is overwritten in
    // place (so /proc/<pid>/environ no longer shows it) and the variable is
    // removed from the process environment (programs we start do not inherit
    // it). Only with the process environment as the lookup.
    std::string take_secret(const Var& v);

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

private:
    const char* value(const Var& v) const;
    bool declared(const Var& v);  // in table_ (else an error naming it)
    void fail(const Var& v, const std::string& must_be, const char* got);

    const Table& table_;
    Lookup lookup_;
    std::string error_;
};

// What an integer / seconds / choice / flag must be, as messages and the
// docs say it: "a number of bytes from 128 to 65507", "one of auto, strong".
std::string describe_values(const Var& v);

// Variables that belong to someone else (mpirun's OMPI_COMM_WORLD_SIZE):
// looked at, never declared. Unset and empty are the same (nullptr).
const char* foreign(const char* name);

}  // namespace papers::env
