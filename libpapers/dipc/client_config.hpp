// client_config.hpp — everything the interposer is told (environment and
// fixed bounds), declared once. Read once per process, at the first SysV
// call: a process keeps the routing it started with.
#pragma once
#include <string>

#include "key_policy.hpp"

namespace papers::dipc::client {

// The environment (PAPERS_DIPC_SOCKET, PAPERS_DIPC_KEYS): dipc_env.hpp.
// The daemon's default socket. A process started while nothing listens
// there (and without PAPERS_DIPC_SOCKET) has no daemon: every call goes to
// the kernel untouched (decision 1).
constexpr const char* kDefaultSocket = "/run/papers-dipc/dipcd.sock";

// Bounded waits on the local daemon's socket (decision 12): the daemon's
// default peer_timeout_ms (2000) plus a margin. (Direct links measure an
// owner's silence with the welcome's peer_timeout_ms.)
constexpr int kConnectTimeoutMs = 5000;  // connect, then hello -> welcome
constexpr int kVerdictTimeoutMs = 5000;  // the cancelled call's reply after cancel
constexpr int kFrameTimeoutMs = 5000;    // the rest of a frame once its first bytes came
// How long fork waits in the parent for the child to take over its
// attachments (two connections and the inherit's round trip to the homes).
constexpr int kForkInheritTimeoutMs = 3 * kConnectTimeoutMs;

// A daemon link's receive buffer: a reply carrying a message of the default
// MSGMAX (8192) fits whole; larger frames are read into their own vector.
constexpr unsigned kLinkBufferBytes = 16 * 1024;

// How many calls one thread can have in flight at once: a call, a signal
// handler's call interrupting it, a handler interrupting that one, ...
constexpr int kLinksPerThread = 4;

struct ClientConfig {
    bool daemon_configured = false;
    std::string socket_path;  // set when daemon_configured
    KeyPolicy keys;
    bool keys_ok = true;      // false: PAPERS_DIPC_KEYS is malformed (keys_error says why)
    std::string keys_error;
    bool dsm_direct = false;  // PAPERS_DIPC_DSM_DIRECT
};

// Reads the environment and looks for the default socket.
ClientConfig read_client_config();

}  // namespace papers::dipc::client
