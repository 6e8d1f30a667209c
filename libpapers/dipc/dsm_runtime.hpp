// dsm_runtime.hpp — what a process needs before its first shmat of a
// distributed segment, set up once: its DSM service connection and thread,
// the layer's SIGSEGV handler, and the fork handlers. A process that never
// attaches one pays nothing of this.
#pragma once
#include <string>

namespace papers::dipc::client::dsm {

// False with a reason when the service connection cannot be opened (then
// shmat fails with ENOLINK; a later shmat tries again).
bool ensure_runtime(std::string& why);

}  // namespace papers::dipc::client::dsm
