// papers-dipcd — the DIPC daemon, one per host (docs/dipc.md). main() only
// reads the command line and the configuration file (config_table.cpp),
// performs the one-shot actions (--gen-key, --print-config), checks the
// configuration and hands it to run_daemon().
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "config_table.hpp"
#include "daemon_config.hpp"
#include "key_file.hpp"

using namespace papers::dipcd;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void say(const std::string& msg) { std::fprintf(stderr, "papers-dipcd: %s\n", msg.c_str()); }

}  // namespace

int main(int argc, char** argv) {
    try {
        Invocation inv = parse_invocation(std::vector<std::string>(argv + 1, argv + argc));
        switch (inv.action) {
            case Action::help:
                std::cout << inv.help_text;
                return 0;
            case Action::gen_key:
                write_new_key_file(inv.gen_key_file);
                return 0;
            case Action::print_config:
                for (const auto& w : inv.warnings) say("warning: " + w);
                std::cout << (inv.reference ? reference_text() : config_file_text(inv.config));
                return std::cout.flush() ? 0 : kExitFailure;
            case Action::serve:
                break;
        }
        check_for_serving(inv.config, inv.warnings);
        for (const auto& w : inv.warnings) say("warning: " + w);
        return run_daemon(inv.config);
    } catch (const ConfigError& e) {
        say(e.what());
        return kExitUsage;
    } catch (const std::exception& e) {
        say(e.what());
        return kExitFailure;
    }
}
