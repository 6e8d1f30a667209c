// layerdiff_wire.hpp — between the full-layer differential test (the
// driver, layerdiff_twin.hpp) and its host processes (layerdiff_agent.cpp):
// an agent connects to the driver's SOCK_SEQPACKET socket, says who it is
// (AgentHello), then answers each KRequest record with a KResult record.
#pragma once
#include <sys/types.h>

namespace papers::dipc::layerdiff {

// What an agent is, for one party (one set of credentials).
enum class Role : int {
    kernel = 0,   // on the calling host: raw syscalls, the kernel's structures
    dipc = 1,     // on the calling host: the C library's calls, through libpapers_dipc
    creator = 2,  // on the owner host: the DIPC gets that create (so that host owns them)
};

struct AgentHello {
    Role role = Role::kernel;
    int party = 0;
    int generation = 0;  // a killed party's processes are replaced: one more
    pid_t pid = 0;
};

}  // namespace papers::dipc::layerdiff
