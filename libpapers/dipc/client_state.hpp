// client_state.hpp — the interposer's process and thread state: the
// configuration (read once per process), each thread's links to the daemon
// (threads never share one; a signal handler's call gets a second one) and
// its direct links to other hosts' daemons, the layer's limits from the
// first welcome, the once-per-process stderr lines, and fork (the child
// drops every inherited link and opens its own).
#pragma once
#include <cstdint>
#include <string>

#include "client_config.hpp"
#include "daemon_link.hpp"
#include "direct_link.hpp"

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

// A call's hold on the calling thread's direct links (decision 13), taken
// with acquire(). One call holds them at a time: a signal handler's call
// made while the thread's call holds them does not get them (it goes
// through the local daemon, which forwards it to the owner: simpler than a
// second link to every owner per nesting depth, for a rare case).
class DirectLease {
public:
    DirectLease() = default;
    ~DirectLease();
    DirectLease(const DirectLease&) = delete;
    DirectLease& operator=(const DirectLease&) = delete;
    void acquire();
    bool held() const { return held_; }
    // The thread's link to `host` for the credentials of `generation`:
    // open, or closed for the caller to open (DirectLinkSet::link_to). Only
    // while held.
    DirectLink& link_to(std::uint32_t host, std::uint64_t generation);

private:
    bool held_ = false;
};

// Makes this thread's links known to the fork handler and the thread-exit
// cleanup; called before a link is opened.
void track_thread_links();

// The layer's limits, cached per process from the first welcome (so every
// thread checks against the same values); `opened`'s own welcome until then.
void remember_welcome(const proto::Welcome& w);
const proto::Limits& layer_limits(const Link& opened);
bool limits_known();
// From the latest welcome: this host's id (which owners are local) and the
// cluster's peer timeout (how long a direct link may stay silent).
std::uint32_t local_host();
std::uint32_t peer_timeout_ms();

// One stderr line per process and kind (decision 11).
void report_unreachable(const std::string& reason);      // the local daemon
void report_daemon_enolink();                            // the daemon could not reach a peer
void report_bad_key_policy();                            // PAPERS_DIPC_KEYS malformed

namespace testing {
// Forgets the configuration, this thread's links, the cached limits and
// owners and the stderr lines, as if the process had just started (tests
// only; no call may be in flight).
void reset_process_state();
// How many direct links this thread has open.
std::size_t thread_direct_links_open();
}  // namespace testing

}  // namespace papers::dipc::client
