#include "config_table.hpp"

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>

#include "config_values.hpp"
#include "key_file.hpp"
#include "proto/ids.hpp"
#include "proto/messages.hpp"

namespace papers::dipcd {

namespace {

namespace wire = papers::dipc::proto;
using Cfg = DaemonConfig;

constexpr std::uint16_t kDefaultPort = 7751;

// One option: a flag on the command line and a key in the config file.
// Given twice on the command line, the last value wins (lists add up).
struct Row {
    std::string key;         // --key and "key = ..."
    std::string value_name;  // shown in --help ("ADDR:PORT"); "" for switches
    std::string help;        // sentences; the config file shows them as comments
    std::string default_rule;  // a computed default in words ("" = the value itself)
    bool in_file = true;       // false: command line only
    bool limit = false;        // a proto::Limits field (only the referee's count)
    // Declares the option on `app`, storing into `cfg`.
    std::function<CLI::Option*(CLI::App& app, Cfg& cfg)> add;
    // The value as config-file text; nullopt when there is none to write.
    std::function<std::optional<std::string>(const Cfg& cfg)> value;
};

struct Section {
    std::string heading;  // a comment line above its rows
    std::vector<Row> rows;
};

[[noreturn]] void bad_value(const std::string& key, const std::string& problem) {
    throw ConfigError("--" + key + ": " + problem);
}

// A string as the config file writes it. CLI11 strips quotes but knows no
// escapes, and cuts a line at '#', so some strings cannot be written.
std::string quoted(const std::string& key, const std::string& s) {
    if (s.find('#') != std::string::npos || s.find('\n') != std::string::npos)
        bad_value(key, "'" + s + "' contains '#' or a newline, which a config file cannot hold");
    if (s.find('"') == std::string::npos) return "\"" + s + "\"";
    if (s.find('\'') == std::string::npos) return "'" + s + "'";
    bad_value(key, "'" + s + "' contains both kinds of quote, which a config file cannot hold");
}

// ---- row builders -----------------------------------------------------------

using TextCheck = std::string (*)(const std::string&);

Row text_row(std::string key, std::string value_name, std::string help, std::string default_rule,
             std::string Cfg::*field, TextCheck check) {
    Row r;
    r.key = key;
    r.value_name = std::move(value_name);
    r.help = std::move(help);
    r.default_rule = std::move(default_rule);
    r.add = [key, field, check](CLI::App& app, Cfg& cfg) {
        return app.add_option_function<std::string>(
            "--" + key,
            [key, field, check, &cfg](const std::string& v) {
                if (check) {
                    if (std::string p = check(v); !p.empty()) bad_value(key, p);
                }
                cfg.*field = v;
            },
            "")
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    };
    r.value = [key, field](const Cfg& cfg) { return std::optional(quoted(key, cfg.*field)); };
    return r;
}

Row endpoint_row(std::string key, std::string help, Endpoint Cfg::*field, bool port_zero_ok) {
    Row r;
    r.key = key;
    r.value_name = "ADDR:PORT";
    r.help = std::move(help);
    r.add = [key, field, port_zero_ok](CLI::App& app, Cfg& cfg) {
        return app.add_option_function<std::string>(
            "--" + key,
            [key, field, port_zero_ok, &cfg](const std::string& v) {
                cfg.*field = parse_endpoint("--" + key, v, port_zero_ok);
            },
            "")
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    };
    r.value = [key, field](const Cfg& cfg) -> std::optional<std::string> {
        if ((cfg.*field).address.empty()) return std::nullopt;
        return quoted(key, format_endpoint(cfg.*field));
    };
    return r;
}

Row switch_row(std::string names, std::string key, std::string help, bool Cfg::*field) {
    Row r;
    r.key = key;
    r.help = std::move(help);
    r.add = [names, field](CLI::App& app, Cfg& cfg) { return app.add_flag(names, cfg.*field, ""); };
    r.value = [field](const Cfg& cfg) { return std::optional<std::string>(cfg.*field ? "true" : "false"); };
    return r;
}

Row list_row(std::string key, std::string value_name, std::string help, std::string empty_means,
             std::vector<std::string> Cfg::*field, TextCheck check) {
    Row r;
    r.key = key;
    r.value_name = std::move(value_name);
    r.help = std::move(help);
    r.default_rule = std::move(empty_means);
    r.add = [key, field, check](CLI::App& app, Cfg& cfg) {
        return app
            .add_option_function<std::vector<std::string>>(
                "--" + key,
                [key, field, check, &cfg](const std::vector<std::string>& items) {
                    std::vector<std::string> kept;
                    for (const auto& item : items) {
                        if (item.empty()) continue;  // "a,,b" or a trailing comma
                        if (std::string p = check(item); !p.empty()) bad_value(key, p);
                        kept.push_back(item);
                    }
                    cfg.*field = std::move(kept);
                },
                "")
            ->delimiter(',');
    };
    // An empty list cannot be written (CLI11 wants at least one item).
    r.value = [key, field](const Cfg& cfg) -> std::optional<std::string> {
        const auto& items = cfg.*field;
        if (items.empty()) return std::nullopt;
        std::string out = "[";
        for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(key, items[i]);
        return out + "]";
    };
    return r;
}

// A whole number reached through `field` (a member, or a member of limits).
template <class T>
Row number_row(std::string key, std::string value_name, std::string help, T& (*field)(Cfg&),
               std::uint64_t min, std::uint64_t max) {
    Row r;
    r.key = key;
    r.value_name = std::move(value_name);
    r.help = std::move(help) + " (" + std::to_string(min) + ".." + std::to_string(max) + ")";
    r.add = [key, field, min, max](CLI::App& app, Cfg& cfg) {
        return app.add_option_function<std::string>(
            "--" + key,
            [key, field, min, max, &cfg](const std::string& v) {
                std::uint64_t n = 0;
                if (std::string p = whole_number_problem(v, min, max, n); !p.empty()) bad_value(key, p);
                field(cfg) = static_cast<T>(n);
            },
            "")
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    };
    r.value = [field](const Cfg& cfg) {
        return std::optional(std::to_string(field(const_cast<Cfg&>(cfg))));
    };
    return r;
}

template <class T>
Row limit_row(std::string key, std::string help, T& (*field)(Cfg&), std::uint64_t max) {
    Row r = number_row<T>(std::move(key), "N", std::move(help), field, 1, max);
    r.limit = true;
    return r;
}

constexpr std::uint64_t kIntMax = std::numeric_limits<std::int32_t>::max();
constexpr std::uint64_t kI64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// ---- the table --------------------------------------------------------------

const std::vector<Section>& table() {
    static const std::vector<Section> sections = [] {
        std::vector<Section> s;
        s.push_back({"This host", {}});
        auto& host = s.back().rows;
        host.push_back(text_row("name", "NAME",
                                "This host's name in the cluster: in logs, in errors, in the "
                                "referee's host table.",
                                "this machine's host name", &Cfg::name, host_name_problem));
        host.push_back(text_row("socket", "PATH",
                                "Unix socket where local processes reach this daemon "
                                "(PAPERS_DIPC_SOCKET names it to them). Empty: none, for a "
                                "daemon that only serves the referee.",
                                "/run/papers-dipc/dipcd.sock as root, else "
                                "$XDG_RUNTIME_DIR/papers-dipc/dipcd.sock",
                                &Cfg::socket_path, nullptr));
        host.push_back(text_row("log", "FILE",
                                "Log file, appended to. Empty: standard error (the journal "
                                "under systemd).",
                                "", &Cfg::log_file, nullptr));
        host.push_back(switch_row("-v,--verbose", "verbose",
                                  "Log every connection and host event, not only problems.",
                                  &Cfg::verbose));

        s.push_back({"The cluster", {}});
        auto& cluster = s.back().rows;
        cluster.push_back(endpoint_row("listen",
                                       "TCP address where other daemons reach this one. Port 0: "
                                       "any free port (reported on --ready-fd); no port: " +
                                           std::to_string(kDefaultPort) + ".",
                                       &Cfg::listen, true));
        cluster.push_back(switch_row("--serve-referee", "serve-referee",
                                     "This daemon is the cluster's referee (one per cluster): it "
                                     "keeps the key table, allots ids, and tells every daemon "
                                     "about hosts and structures. It may serve local processes "
                                     "too.",
                                     &Cfg::serve_referee));
        cluster.push_back(endpoint_row("referee",
                                       "Where the referee listens. Required unless serve-referee "
                                       "is true (then ignored).",
                                       &Cfg::referee, false));
        cluster.push_back(list_row("allow", "LIST",
                                   "Peers allowed to connect: IP addresses, networks "
                                   "(10.0.0.0/24, fd00::/64) or host names (resolved at start). "
                                   "Any other peer is refused before a byte is read, and logged. "
                                   "On the command line: repeat the flag or separate with commas.",
                                   "none: every peer is refused", &Cfg::allow, allow_entry_problem));
        cluster.push_back(text_row("key-file", "FILE",
                                   "The cluster key, the same on every host: 32 bytes, mode 0600, "
                                   "made by papers-dipcd --gen-key FILE. Connections between "
                                   "daemons are authenticated and every message sealed with it.",
                                   "/etc/papers-dipc/cluster.key as root, else "
                                   "${XDG_CONFIG_HOME:-~/.config}/papers-dipc/cluster.key",
                                   &Cfg::key_file, nullptr));

        s.push_back({"Liveness", {}});
        auto& live = s.back().rows;
        live.push_back(number_row<std::uint32_t>(
            "heartbeat-ms", "MS", "An idle link to a peer carries a heartbeat this often, in ms",
            +[](Cfg& c) -> std::uint32_t& { return c.heartbeat_ms; }, 10, 60000));
        live.push_back(number_row<std::uint32_t>(
            "peer-timeout-ms", "MS",
            "A peer silent this long (ms) is lost: its structures are removed, calls blocked on "
            "them fail with EIDRM, later calls with EINVAL. At least twice heartbeat-ms",
            +[](Cfg& c) -> std::uint32_t& { return c.peer_timeout_ms; }, 20, 3600000));

        s.push_back({"Limits: the cluster's, read on the referee only (every other daemon gets "
                     "them from it). Linux's defaults, except the *MNI, which DIPC's id space "
                     "bounds to 768.",
                     {}});
        auto& lim = s.back().rows;
        using U32 = std::uint32_t;
        using U64 = std::uint64_t;
        const U64 slots = static_cast<U64>(wire::kSlots);
        lim.push_back(limit_row<U32>("semmsl", "SEMMSL: most semaphores in one set",
                                     +[](Cfg& c) -> U32& { return c.limits.semmsl; }, wire::kMaxSems));
        lim.push_back(limit_row<U32>("semmns", "SEMMNS: most semaphores in the cluster",
                                     +[](Cfg& c) -> U32& { return c.limits.semmns; }, kIntMax));
        lim.push_back(limit_row<U32>("semopm", "SEMOPM: most operations in one semop call (more: E2BIG)",
                                     +[](Cfg& c) -> U32& { return c.limits.semopm; }, wire::kMaxSops));
        lim.push_back(limit_row<U32>("semvmx", "SEMVMX: largest semaphore value (more: ERANGE)",
                                     +[](Cfg& c) -> U32& { return c.limits.semvmx; }, 32767));
        lim.push_back(limit_row<U32>("semaem", "SEMAEM: largest SEM_UNDO adjustment of one process",
                                     +[](Cfg& c) -> U32& { return c.limits.semaem; }, 32767));
        lim.push_back(limit_row<U32>("semmni", "SEMMNI: most semaphore sets in the cluster",
                                     +[](Cfg& c) -> U32& { return c.limits.semmni; }, slots));
        lim.push_back(limit_row<U32>("semume", "SEMUME: undo entries per process (as Linux: IPC_INFO reports it)",
                                     +[](Cfg& c) -> U32& { return c.limits.semume; }, kIntMax));
        lim.push_back(limit_row<U32>("semmnu", "SEMMNU: undo structures (as Linux: IPC_INFO reports it)",
                                     +[](Cfg& c) -> U32& { return c.limits.semmnu; }, kIntMax));
        lim.push_back(limit_row<U32>("msgmax", "MSGMAX: largest message text in bytes (more: EINVAL)",
                                     +[](Cfg& c) -> U32& { return c.limits.msgmax; }, wire::kMaxText));
        lim.push_back(limit_row<U32>("msgmnb", "MSGMNB: msg_qbytes of a new queue, in bytes",
                                     +[](Cfg& c) -> U32& { return c.limits.msgmnb; }, kIntMax));
        lim.push_back(limit_row<U32>("msgmni", "MSGMNI: most message queues in the cluster",
                                     +[](Cfg& c) -> U32& { return c.limits.msgmni; }, slots));
        lim.push_back(limit_row<U64>("shmmax", "SHMMAX: largest shared memory segment in bytes",
                                     +[](Cfg& c) -> U64& { return c.limits.shmmax; }, kI64Max));
        lim.push_back(limit_row<U64>("shmmin", "SHMMIN: smallest segment in bytes",
                                     +[](Cfg& c) -> U64& { return c.limits.shmmin; }, kI64Max));
        lim.push_back(limit_row<U64>("shmmni", "SHMMNI: most segments in the cluster",
                                     +[](Cfg& c) -> U64& { return c.limits.shmmni; }, slots));
        lim.push_back(limit_row<U64>("shmall", "SHMALL: most shared memory in the cluster, in pages",
                                     +[](Cfg& c) -> U64& { return c.limits.shmall; }, kI64Max));
        // Shared-memory coherence, also the cluster's (docs/dipc.md, "Shared memory").
        Row whole = number_row<U32>("dsm-whole-segment", "0|1",
                                    "Coherence unit of distributed shared memory: 0 = 4 KiB pages "
                                    "fetched on demand, 1 = the whole segment (units of at most 8 MiB)",
                                    +[](Cfg& c) -> U32& { return c.limits.dsm_whole_segment; }, 0, 1);
        whole.limit = true;
        lim.push_back(std::move(whole));
        Row residency = number_row<U32>("dsm-min-residency-us", "US",
                                        "How long a host keeps a shared page (or segment) it got "
                                        "before another host may take it away, in microseconds: "
                                        "stops two writers from ping-ponging a page",
                                        +[](Cfg& c) -> U32& { return c.limits.dsm_min_residency_us; }, 0,
                                        10000000);
        residency.limit = true;
        lim.push_back(std::move(residency));

        s.push_back({"Command line only", {}});
        Row ready = number_row<int>("ready-fd", "FD",
                                    "Once serving, write \"ready PORT\\n\" to this file "
                                    "descriptor (PORT: the TCP port listened on) and close it. "
                                    "For launchers (papersrun, tests)",
                                    +[](Cfg& c) -> int& { return c.ready_fd; }, 0, kIntMax);
        ready.in_file = false;
        ready.default_rule = "none";
        s.back().rows.push_back(std::move(ready));
        return s;
    }();
    return sections;
}

// ---- the config file's text -------------------------------------------------

// Words wrapped to comment lines of at most 78 columns.
void comment(std::ostream& out, const std::string& text) {
    std::istringstream words(text);
    std::string word, line = "#";
    while (words >> word) {
        if (line.size() + 1 + word.size() > 78 && line != "#") {
            out << line << "\n";
            line = "#";
        }
        line += " " + word;
    }
    if (line != "#") out << line << "\n";
}

constexpr const char* kPreamble =
    "papers-dipcd configuration (docs/dipc.md). Every key is also a flag: \"key = value\" here "
    "is \"--key value\" on the command line, where it wins over this file. Strings in quotes, "
    "lists as [\"a\", \"b\"], switches as true or false. '#' starts a comment, so no value can "
    "contain it.";

enum class Style { effective, reference };

std::string render(const Cfg& cfg, Style style) {
    std::ostringstream out;
    comment(out, kPreamble);
    if (style == Style::reference)
        comment(out, "Every key below is at its default, commented out; a computed default "
                     "shows its rule. Generated by papers-dipcd --print-config --reference.");
    for (const Section& section : table()) {
        bool any = false;
        for (const Row& row : section.rows) any = any || row.in_file;
        if (!any) continue;
        out << "\n";
        comment(out, "== " + section.heading);
        for (const Row& row : section.rows) {
            if (!row.in_file) continue;
            out << "\n";
            comment(out, row.help + (row.help.back() == '.' ? "" : "."));
            std::optional<std::string> value = row.value(cfg);
            if (style == Style::reference) {
                if (!row.default_rule.empty()) comment(out, "Default: " + row.default_rule + ".");
                if (!row.default_rule.empty() || !value) {
                    out << "#" << row.key << " =\n";
                } else {
                    out << "#" << row.key << " = " << *value << "\n";
                }
            } else if (value) {
                out << row.key << " = " << *value << "\n";
            } else {
                out << "#" << row.key << " =\n";
            }
        }
    }
    return out.str();
}

bool is_root() { return geteuid() == 0; }

// The defaults the table starts from (DaemonConfig's, plus the listen address).
Cfg table_defaults() {
    Cfg cfg;
    cfg.listen = {"0.0.0.0", kDefaultPort};
    return cfg;
}

std::string env_or_empty(const char* name) {
    const char* v = getenv(name);
    return v ? v : "";
}

}  // namespace

// ---- public -------------------------------------------------------------------

std::string default_socket_path() {
    if (is_root()) return "/run/papers-dipc/dipcd.sock";
    const std::string run = env_or_empty("XDG_RUNTIME_DIR");
    return run.empty() ? "" : run + "/papers-dipc/dipcd.sock";
}

std::string default_key_file() {
    if (is_root()) return "/etc/papers-dipc/cluster.key";
    std::string base = env_or_empty("XDG_CONFIG_HOME");
    if (base.empty()) base = env_or_empty("HOME") + "/.config";
    return base + "/papers-dipc/cluster.key";
}

std::string default_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
    return name;
}

Endpoint parse_endpoint(const std::string& option, const std::string& text, bool port_zero_ok) {
    auto fail = [&](const std::string& problem) -> Endpoint {
        throw ConfigError(option + " '" + text + "': " + problem);
    };
    std::string addr, port_text;
    bool has_port = false;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos) return fail("a '[' without its ']'");
        addr = text.substr(1, close - 1);
        const std::string rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return fail("expected ':PORT' after ']'");
        if (addr.find(':') == std::string::npos) return fail("brackets are for IPv6 addresses");
        has_port = !rest.empty();
        if (has_port) port_text = rest.substr(1);
    } else if (std::count(text.begin(), text.end(), ':') > 1) {
        addr = text;  // a bare IPv6 literal; with a port it is written [ADDR]:PORT
        if (!address_problem(addr).empty())
            return fail("an IPv6 address with a port is written [ADDR]:PORT");
    } else {
        const auto colon = text.find(':');
        addr = text.substr(0, colon);
        has_port = colon != std::string::npos;
        if (has_port) port_text = text.substr(colon + 1);
    }
    if (std::string p = address_problem(addr); !p.empty()) return fail(p);
    Endpoint e;
    e.address = addr;
    e.port = kDefaultPort;
    if (has_port) {
        std::uint64_t port = 0;
        if (std::string p = whole_number_problem(port_text, port_zero_ok ? 0 : 1, 65535, port); !p.empty())
            return fail("port " + p);
        e.port = static_cast<std::uint16_t>(port);
    }
    return e;
}

std::string format_endpoint(const Endpoint& e) {
    if (e.address.empty()) return "";
    const bool v6 = e.address.find(':') != std::string::npos;
    return (v6 ? "[" + e.address + "]" : e.address) + ":" + std::to_string(e.port);
}

Invocation parse_invocation(const std::vector<std::string>& args) {
    Invocation inv;
    Cfg& cfg = inv.config;
    cfg = table_defaults();
    const Cfg defaults = table_defaults();

    CLI::App app{"papers-dipcd — the DIPC daemon: System V semaphores and message queues shared "
                 "across a cluster (docs/dipc.md). One per host; one of them also serves the "
                 "referee.",
                 "papers-dipcd"};
    app.allow_config_extras(CLI::config_extras_mode::error);
    app.set_config("--config", "", "read options from FILE (key = value; see --print-config)");
    app.get_config_ptr()->type_name("FILE");
    std::vector<std::pair<const Row*, CLI::Option*>> declared;
    for (const Section& section : table()) {
        for (const Row& row : section.rows) {
            CLI::Option* opt = row.add(app, cfg);
            std::string desc = row.help;
            if (!row.default_rule.empty())
                desc += " [default: " + row.default_rule + "]";
            else if (auto v = row.value(defaults); v && row.value_name != "")
                desc += " [default: " + *v + "]";
            opt->description(desc);
            if (!row.value_name.empty()) opt->type_name(row.value_name);
            opt->group(section.heading.substr(0, section.heading.find(':')));
            opt->configurable(row.in_file);
            declared.emplace_back(&row, opt);
        }
    }
    CLI::Option* gen_key = app.add_option("--gen-key", inv.gen_key_file,
                                          "write a new cluster key to FILE (mode 0600; never "
                                          "overwrites) and exit")
                               ->type_name("FILE")
                               ->configurable(false)
                               ->group("Actions");
    bool print_config = false;
    CLI::Option* print = app.add_flag("--print-config", print_config,
                                      "print the effective configuration as a config file and exit")
                             ->configurable(false)
                             ->group("Actions");
    app.add_flag("--reference", inv.reference,
                 "with --print-config: print every key at its default instead (docs/dipc.md)")
        ->configurable(false)
        ->needs(print)
        ->group("Actions");
    gen_key->excludes(print);
    app.footer(
        "Privileges: none are needed to serve (the daemon learns callers from SO_PEERCRED and "
        "watches them with pidfd_open, which work for every user's processes). Root is needed "
        "only to create the default socket's directory /run/papers-dipc (the systemd unit's "
        "RuntimeDirectory does) and to read a root-owned key file.\n"
        "Exit status: 0 stopped by SIGTERM/SIGINT; 1 failure while serving; 2 bad command line "
        "or configuration.");

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        inv.action = Action::help;
        inv.help_text = app.help();
        return inv;
    } catch (const CLI::ConfigError& e) {
        std::string what = e.what();
        const std::string extra = "INI was not able to parse ";
        if (what.rfind(extra, 0) == 0)
            throw ConfigError("--config: unknown key '" + what.substr(extra.size()) +
                              "' (papers-dipcd --print-config lists every key)");
        throw ConfigError("--config: " + what);
    } catch (const CLI::FileError& e) {
        throw ConfigError(std::string("--config: ") + e.what());
    } catch (const CLI::ParseError& e) {
        throw ConfigError(std::string(e.what()) + "\nRun 'papers-dipcd --help' for usage.");
    }

    if (gen_key->count() > 0) {
        inv.action = Action::gen_key;
        return inv;
    }
    if (print_config) inv.action = Action::print_config;
    if (inv.reference) return inv;

    for (const auto& [row, opt] : declared) {
        if (opt->count() > 0) continue;
        if (row->key == "name") cfg.name = default_name();
        if (row->key == "socket") cfg.socket_path = default_socket_path();
        if (row->key == "key-file") cfg.key_file = default_key_file();
    }
    if (cfg.peer_timeout_ms < 2 * cfg.heartbeat_ms)
        throw ConfigError("--peer-timeout-ms " + std::to_string(cfg.peer_timeout_ms) +
                          ": must be at least twice --heartbeat-ms " + std::to_string(cfg.heartbeat_ms) +
                          ", or a peer is lost between two heartbeats");
    if (!cfg.serve_referee) {
        std::string given;
        for (const auto& [row, opt] : declared)
            if (row->limit && opt->count() > 0) given += (given.empty() ? "--" : ", --") + row->key;
        if (!given.empty())
            inv.warnings.push_back(given + " ignored: limits are the referee's, and this daemon "
                                           "does not serve it (--serve-referee)");
    }
    return inv;
}

void check_for_serving(const DaemonConfig& cfg, std::vector<std::string>& warnings) {
    if (!cfg.serve_referee && cfg.referee.address.empty())
        throw ConfigError("--referee ADDR:PORT is missing: a daemon that does not serve the "
                          "referee (--serve-referee) must know where it is");
    if (!cfg.serve_referee && cfg.socket_path.empty())
        throw ConfigError(std::string("--socket: ") +
                          (getenv("XDG_RUNTIME_DIR") || is_root()
                               ? "empty, but only a daemon serving the referee may go without a "
                                 "local socket"
                               : "no path given, and the default needs XDG_RUNTIME_DIR, which is "
                                 "not set; give --socket PATH"));
    if (cfg.socket_path.size() >= sizeof(sockaddr_un{}.sun_path))
        throw ConfigError("--socket " + cfg.socket_path + ": " + std::to_string(cfg.socket_path.size()) +
                          " bytes, but a Unix socket path has at most " +
                          std::to_string(sizeof(sockaddr_un{}.sun_path) - 1));
    if (std::string p = key_file_problem(cfg.key_file); !p.empty())
        throw ConfigError("--key-file " + cfg.key_file + ": " + p);
    if (!cfg.log_file.empty()) {
        const auto slash = cfg.log_file.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : cfg.log_file.substr(0, slash);
        struct stat st {};
        if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            throw ConfigError("--log " + cfg.log_file + ": the directory " + dir + " does not exist");
    }
    if (cfg.ready_fd >= 0 && fcntl(cfg.ready_fd, F_GETFD) < 0)
        throw ConfigError("--ready-fd " + std::to_string(cfg.ready_fd) + ": not an open file descriptor");
    if (cfg.allow.empty())
        warnings.push_back("--allow is empty: every other daemon will be refused");
}

std::string config_file_text(const DaemonConfig& cfg) { return render(cfg, Style::effective); }

std::string reference_text() { return render(table_defaults(), Style::reference); }

}  // namespace papers::dipcd
