#include "client_config.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace papers::dipc::client {

ClientConfig read_client_config() {
    ClientConfig c;
    const char* sock = std::getenv(kSocketEnv);
    if (sock && *sock) {
        c.daemon_configured = true;
        c.socket_path = sock;
    } else {
        struct stat st;
        if (stat(kDefaultSocket, &st) == 0 && S_ISSOCK(st.st_mode)) {
            c.daemon_configured = true;
            c.socket_path = kDefaultSocket;
        }
    }
    // The policy matters only with a daemon; without one nothing is parsed,
    // so a process without a daemon behaves exactly as without the library.
    if (c.daemon_configured) c.keys_ok = parse_key_policy(std::getenv(kKeysEnv), c.keys, c.keys_error);
    return c;
}

}  // namespace papers::dipc::client
