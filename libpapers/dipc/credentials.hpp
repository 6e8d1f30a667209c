// credentials.hpp — when the process's identity may have changed. The local
// daemon knows a link's process by the euid, egid and groups it connected
// with (SO_PEERCRED, SO_PEERGROUPS), and an owner knows a direct link's by
// what the local daemon declared at link_open: a link opened before a change
// must not be used after it (the kernel checks every call with the caller's
// current credentials). The C library's set*id, setgroups and initgroups
// (intercept_credentials.cpp; they change every thread's credentials) advance
// a generation, and each link remembers the one it was opened in: a check
// per call that costs no system call, where geteuid and getegid would cost
// two. Credentials changed with raw system calls are not seen.
#pragma once
#include <cstdint>

namespace papers::dipc::client {

std::uint64_t credential_generation();
void credentials_changed();

}  // namespace papers::dipc::client
