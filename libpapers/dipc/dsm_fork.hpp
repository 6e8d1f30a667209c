// dsm_fork.hpp — fork of a process with attachments (docs/dipc-design.md,
// "fork"). The parent holds the DSM lock over fork, so no view changes half
// way. The child, before fork returns in it: every attachment to PROT_NONE
// (its views and sequence numbers start afresh: it is a new process to the
// daemon), its own service connection and thread, then ShmInherit with the
// parent's handles for its own (0 = refused: that attachment is unmapped,
// with a line on stderr). The parent's fork returns once the child is done
// (or after kForkInheritTimeoutMs): as with the kernel, shm_nattch has
// risen when fork returns, and a parent that exits at once cannot make the
// daemon refuse the child (it checks the child's parent).
// exec needs nothing: the service connection is close-on-exec, and the
// daemon detaches a process whose service connection closed.
#pragma once

namespace papers::dipc::client::dsm {

// Registers the handlers once (after the per-thread links' own, so that in
// the child the inherited links are closed before these run).
void register_fork_handlers();

}  // namespace papers::dipc::client::dsm
