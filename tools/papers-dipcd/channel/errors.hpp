// errors.hpp — why a channel could not be opened or was closed.
#pragma once
#include <system_error>

namespace papers::dipc::channel {

enum class errc {
    not_allowed = 1,        // the address is not in the allow list
    timed_out,              // no connection or no completed handshake within peer_timeout
    authentication_failed,  // the peer's first message does not open with our key
    tampered,               // a later message does not open: altered, replayed, reordered, cut
    stale_session,          // the peer did not echo our challenge: a recorded session replayed
    version_mismatch,       // the peer speaks another protocol version
    protocol_error,         // malformed or out-of-bounds message
    connection_lost,        // the peer closed or reset the connection during the handshake
    closed,                 // closed locally before the handshake completed
};

const std::error_category& channel_category();
std::error_code make_error_code(errc e);

}  // namespace papers::dipc::channel

template <>
struct std::is_error_code_enum<papers::dipc::channel::errc> : std::true_type {};
