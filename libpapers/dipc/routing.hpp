// routing.hpp — where a call goes (decisions 1 and 2): to the kernel
// untouched, to the daemon, or refused (EINVAL: PAPERS_DIPC_KEYS is
// malformed, so no call the policy could concern may guess).
#pragma once
#include <sys/types.h>

namespace papers::dipc::client {

enum class Route { kernel, daemon, refused };

// semget/msgget: by the key policy; without a daemon always the kernel. A
// malformed policy refuses every get (no get can tell whether it was meant
// to be distributed).
Route route_get(key_t key, int flags);
// A call on an id, or a *_STAT index: the daemon for DIPC ids/indices
// (is_dipc_id), the kernel for the rest, which never reach the daemon.
Route route_id(int id_or_index);
// IPC_INFO / SEM_INFO / MSG_INFO: with a daemon, answered by it (decision 8).
// A negative id goes to the kernel, which refuses it (EINVAL) first.
Route route_info(int id);
// The flags a local structure's get passes to the kernel: IPC_DIPC stripped
// when a daemon is configured, untouched otherwise (then the call is
// exactly the program's own).
int kernel_flags(int flags);

}  // namespace papers::dipc::client
