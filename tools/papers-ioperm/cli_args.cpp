// cli_args.cpp — strict argv parser for papers-ioperm (see header).
#include "cli_args.hpp"

#include <cstring>
#include <string_view>

#include "config_parse.hpp"

namespace papers::ioperm {

const char* usage_text() {
    return "usage: papers-ioperm [--config FILE] [--port PORT] [--] PROGRAM [ARGS...]\n"
           "       papers-ioperm --help | --version\n"
           "\n"
           "Grants the calling user direct access to the parallel-port registers\n"
           "PORT..PORT+2 (if /etc/papers/ioperm.conf allows it), drops every privilege\n"
           "and runs PROGRAM with PAPERS_PORT=PORT and PAPERS_PORT_ACCESS=direct.\n"
           "\n"
           "  --port PORT    port base, e.g. 0x378; may be left out when the config\n"
           "                 allows the caller exactly one port\n"
           "  --config FILE  another config file (absolute path); only for root\n"
           "  --help         this text\n"
           "  --version      version\n";
}

CliResult parse_cli(int argc, const char* const* argv) {
    CliResult res;
    auto fail = [&](std::string msg) {
        res.error = std::move(msg);
        return res;
    };
    // argc == 0 happens when a caller execs us with an empty argv; never
    // read past it (CVE-2021-4034 was exactly that mistake).
    if (argc < 1 || argv == nullptr || argv[0] == nullptr)
        return fail("started with an empty argument list");

    int i = 1;
    for (; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.empty() || a[0] != '-') break;  // PROGRAM
        if (a == "--help" || a == "-h") {
            res.args.help = true;
            continue;
        }
        if (a == "--version") {
            res.args.version = true;
            continue;
        }
        std::string_view name = a, value;
        bool inline_value = false;
        if (const auto eq = a.find('='); eq != std::string_view::npos && a.substr(0, 2) == "--") {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            inline_value = true;
        }
        if (name != "--config" && name != "--port")
            return fail("unknown option " + quoted(a) + " (see --help)");
        if (!inline_value) {
            if (i + 1 >= argc) return fail(std::string(name) + " needs a value");
            value = argv[++i];
        }
        if (value.empty()) return fail(std::string(name) + " needs a non-empty value");
        if (name == "--config") {
            if (res.args.config) return fail("--config given twice");
            if (value.size() >= 4096) return fail("--config path is too long");
            res.args.config = std::string(value);
        } else {
            if (res.args.port) return fail("--port given twice");
            std::string why;
            const auto p = parse_port(value, &why);
            if (!p) return fail("--port: " + why);
            res.args.port = *p;
        }
    }
    if (res.args.help || res.args.version) {
        res.ok = true;
        return res;
    }
    if (i >= argc) return fail("no PROGRAM to run (see --help)");
    res.args.command_index = i;
    res.ok = true;
    return res;
}

}  // namespace papers::ioperm
