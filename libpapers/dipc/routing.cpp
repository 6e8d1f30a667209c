#include "routing.hpp"

#include "client_state.hpp"
#include "proto/ids.hpp"

namespace papers::dipc::client {

Route route_get(key_t key, int flags) {
    const ClientConfig& c = config();
    if (!c.daemon_configured) return Route::kernel;
    if (!c.keys_ok) return Route::refused;
    return c.keys.distributes(key, flags) ? Route::daemon : Route::kernel;
}

Route route_id(int id_or_index) {
    if (!proto::is_dipc_id(id_or_index)) return Route::kernel;
    const ClientConfig& c = config();
    if (!c.daemon_configured) return Route::kernel;
    return c.keys_ok ? Route::daemon : Route::refused;
}

Route route_info(int id) {
    if (id < 0) return Route::kernel;
    const ClientConfig& c = config();
    if (!c.daemon_configured) return Route::kernel;
    return c.keys_ok ? Route::daemon : Route::refused;
}

int kernel_flags(int flags) {
    return config().daemon_configured ? flags & ~proto::kIpcDipc : flags;
}

}  // namespace papers::dipc::client
