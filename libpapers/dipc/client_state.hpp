// client_state.hpp — the interposer's process and thread state: the
// configuration (read once per process), each thread's links to the daemon
// (threads never share one; a signal handler's call gets a second one), the
// layer's limits from the first welcome, the once-per-process stderr lines,
// and fork (the child drops every inherited link and opens its own).
#pragma once
#include <string>

#include "client_config.hpp"
#include "daemon_link.hpp"

namespace papers::dipc::client {

const ClientConfig& config();

// A call's hold on one link of the calling thread: the first one not in use,
// so a signal handler calling while the thread's call waits gets the next.
// Not copyable; releases the link when it goes out of scope.
class LinkLease {
public:
    LinkLease();
    ~LinkLease();
    LinkLease(const LinkLease&) = delete;
    LinkLease& operator=(const LinkLease&) = delete;
    // Null when kLinksPerThread calls are already nested on this thread.
    Link* link() const { return link_; }

private:
    Link* link_ = nullptr;
};

// Makes this thread's links known to the fork handler and the thread-exit
// cleanup; called before a link is opened.
void track_thread_links();

// The layer's limits, cached per process from the first welcome (so every
// thread checks against the same values); `opened`'s own welcome until then.
void remember_welcome(const proto::Welcome& w);
const proto::Limits& layer_limits(const Link& opened);

// One stderr line per process and kind (decision 11).
void report_unreachable(const std::string& reason);      // the local daemon
void report_daemon_enolink();                            // the daemon could not reach a peer
void report_bad_key_policy();                            // PAPERS_DIPC_KEYS malformed

namespace testing {
// Forgets the configuration, this thread's links, the cached limits and the
// stderr lines, as if the process had just started (tests only; no call may
// be in flight).
void reset_process_state();
}  // namespace testing

}  // namespace papers::dipc::client
