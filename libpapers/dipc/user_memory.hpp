// user_memory.hpp — the caller's buffers, touched only through
// process_vm_readv/writev on our own pid (decision 7): a bad pointer is
// EFAULT, as in the kernel, never a crash. Both copy all n bytes or report
// failure; n = 0 touches nothing (and succeeds, as copy_from_user does).
// Buffers in a distributed segment are made present first (dsm_touch.hpp).
#pragma once
#include <cstddef>

namespace papers::dipc::client {

bool read_user(void* to, const void* user_from, std::size_t n);
bool write_user(void* user_to, const void* from, std::size_t n);

}  // namespace papers::dipc::client
