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
// Writes the pieces one after the other from user_to on, in one system
// call where write_user would take one per piece (msgrcv's mtype, then its
// text). As in the kernel, the pieces before a fault are written.
struct Piece {
    const void* data;
    std::size_t size;
};
bool write_user(void* user_to, const Piece* pieces, int count);

}  // namespace papers::dipc::client
