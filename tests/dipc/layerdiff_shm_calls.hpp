// layerdiff_shm_calls.hpp — the shared memory calls of a layerdiff_agent
// (layerdiff_shm_test.cpp): shmget, shmat, shmdt, shmctl, fork, and plain
// stores and loads through an attachment, made through raw syscalls (the
// kernel actor) or the C library's functions (the DIPC actor, with
// libpapers_dipc preloaded). The agent keeps its attachments (results name
// them by slot) and its forked children.
//
// Addresses: a fixed shmat address is given as an offset into an address
// region (kRegionBase, kRegionBytes) every agent keeps free, so that the
// kernel's and the layer's processes can be asked for the same address and
// their answers compared.
#pragma once
#include <cstdint>
#include <string>

#include "engine_call.hpp"

namespace papers::dipc::layerdiff {

constexpr std::uintptr_t kRegionBase = 0x200000000000;  // far below the mmap area, far above the heap
constexpr std::size_t kRegionBytes = 4u << 20;

// Whether the region is free in this process (call once at start); if not,
// why.
std::string check_address_region();

// Installs the SIGSEGV handler that turns a store or load the program's
// own protection forbids (a write through SHM_RDONLY) into EFAULT.
void install_fault_catcher();

// Makes a shared memory call (KCall::shmget .. fork, shmwrite, shmread);
// `raw` = through syscall(2). fork: the child holds copies of the
// attachments until it is killed (ret = its pid); `driver_fd` is closed in it.
void run_shm_call(bool raw, const enginetest::KRequest& q, enginetest::KResult& r, int driver_fd);

}  // namespace papers::dipc::layerdiff
