// dsm_service_thread.hpp — the process's DSM service connection (ClientHello
// role 1) and the thread that serves it (docs/dipc-design.md, "Process
// views"): the daemon orders a view lowered (Revoke) before it lowers the
// host's state; the thread applies the order under the DSM lock if its
// sequence number is above the unit's last one, mprotects, and acks with a
// reply frame carrying the order's request id. A stale order (a later grant
// was applied) is acked too: the daemon only needs to know it is done.
//
// The thread blocks every signal (process-directed signals never land on
// it). When its connection breaks, the daemon has forgotten this process's
// attachments: every view drops to none and later accesses raise SIGBUS.
#pragma once
#include <string>

#include "proto/messages.hpp"

namespace papers::dipc::client::dsm {

// Opens the connection and starts the thread; false with a reason.
bool start_service(std::string& why);
bool service_running();

// In a fork child: the inherited connection is the parent's; this process
// closes its copy (the parent's stays) and has no thread.
void forget_service_in_child();

// Applies an order (under the DSM lock). False when the protection could
// not be lowered: then it is not acked, and the daemon's bound fails the
// request that needed it while this process keeps its view.
bool apply_revoke(const proto::Revoke& rv);

// Tells the daemon whether a direct read fetch's bytes were written into the
// host copy (docs/dipc-design.md, "Direct read fetch"); one-way, on the
// service connection. Called under the DSM lock, from any thread.
void report_install(const proto::DsmInstalled& m);

}  // namespace papers::dipc::client::dsm
