#include "client_config.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include "dipc_env.hpp"

namespace papers::dipc::client {

ClientConfig read_client_config() {
    ClientConfig c;
    env::Reader in(dipc_env::kTable);
    if (auto sock = in.raw(dipc_env::kSocket)) {
        c.daemon_configured = true;
        c.socket_path = *sock;
    } else {
        struct stat st;
        if (stat(kDefaultSocket, &st) == 0 && S_ISSOCK(st.st_mode)) {
            c.daemon_configured = true;
            c.socket_path = kDefaultSocket;
        }
    }
    // The policy matters only with a daemon; without one nothing is parsed,
    // so a process without a daemon behaves exactly as without the library.
    if (c.daemon_configured) {
        auto keys = in.raw(dipc_env::kKeys);
        c.keys_ok = parse_key_policy(keys ? keys->c_str() : nullptr, c.keys, c.keys_error);
        c.dsm_direct = in.flag(dipc_env::kDsmDirect, false);
    }
    return c;
}

}  // namespace papers::dipc::client
