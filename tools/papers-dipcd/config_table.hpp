// config_table.hpp — papers-dipcd's command line and configuration file,
// declared once (config_table.cpp): every option is a flag "--key VALUE" and
// the key "key = value" of the file given with --config FILE (CLI11 reads
// it; a flag on the command line wins over the file). The same table prints
// the effective configuration (--print-config) and the reference of every
// key (--print-config --reference), which is docs/dipc.md's generated block
// and the installed example configuration.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon_config.hpp"

namespace papers::dipcd {

// A bad command line or configuration; the message names the option (as the
// flag, --key) and the problem. papers-dipcd exits 2 with it.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Action {
    serve,         // run the daemon (run_daemon)
    gen_key,       // --gen-key FILE
    print_config,  // --print-config [--reference]
    help,          // --help: text in Invocation::help_text
};

struct Invocation {
    Action action = Action::serve;
    DaemonConfig config;        // defaults, then --config FILE, then flags
    std::string gen_key_file;   // --gen-key
    bool reference = false;     // --print-config --reference
    std::string help_text;
    std::vector<std::string> warnings;  // allowed, but probably not meant
};

// Parses the arguments (without argv[0]). Checks every value's form (an
// address, a port in range, a limit in its bounds); the checks that look at
// the machine come from check_for_serving. Throws ConfigError.
Invocation parse_invocation(const std::vector<std::string>& args);

// Checks a parsed configuration before serving: a referee unless serving
// it, a local socket unless referee-only, the socket path's length, the key
// file present, private and well-formed, the log's directory, the ready fd.
// Appends warnings (an empty allow list...). Throws ConfigError.
void check_for_serving(const DaemonConfig& cfg, std::vector<std::string>& warnings);

// The configuration as a config file: every key with its meaning as a
// comment and its value (keys without a value, like an unset referee, are
// commented out). Reading it back with --config gives the same
// configuration. Throws ConfigError for a value a config file cannot hold.
std::string config_file_text(const DaemonConfig& cfg);

// Every key commented out with its default, or the rule that computes it
// (name, socket, key-file). Does not depend on the machine or the user.
std::string reference_text();

// Defaults that depend on who runs the daemon (docs/dipc.md):
//   socket:   /run/papers-dipc/dipcd.sock as root, else
//             $XDG_RUNTIME_DIR/papers-dipc/dipcd.sock ("" if XDG_RUNTIME_DIR is unset)
//   key-file: /etc/papers-dipc/cluster.key as root, else
//             ${XDG_CONFIG_HOME:-$HOME/.config}/papers-dipc/cluster.key
//   name:     the host name
std::string default_socket_path();
std::string default_key_file();
std::string default_name();

// "ADDR:PORT", "[V6]:PORT" or "NAME:PORT". `option` names the flag in
// errors. Port 0 ("any free port") only where `port_zero_ok`.
Endpoint parse_endpoint(const std::string& option, const std::string& text, bool port_zero_ok);
std::string format_endpoint(const Endpoint& e);  // "" for an unset endpoint

}  // namespace papers::dipcd
