// helper_run.hpp — the whole papers-ioperm run: parse argv, read and check
// the config, decide, grant the port, drop privileges, exec the program.
#pragma once
#include <string>

#include "config_file.hpp"
#include "port_grant.hpp"

namespace papers::ioperm {

// Exit codes (sysexits.h values, so scripts can tell the cases apart).
enum ExitCode : int {
    kExitUsage = 64,        // bad command line
    kExitUnavailable = 69,  // the port grant failed (ENOSYS, EPERM, ...)
    kExitPrivDrop = 71,     // the privilege drop failed; nothing was run
    kExitNoPerm = 77,       // the config does not allow it / --config by non-root
    kExitConfig = 78,       // config file unsafe, unreadable or garbled
    kExitCannotExec = 126,  // PROGRAM exists but could not be executed
    kExitNotFound = 127,    // PROGRAM not found
};

inline constexpr const char* kDefaultConfigPath = "/etc/papers/ioperm.conf";

struct HelperSetup {
    const PortGrantOps* ops = nullptr;
    std::string default_config = kDefaultConfigPath;
    TrustPolicy trust;
    std::string ioports = "/proc/ioports";  // the kernel's I/O regions (ioports.hpp)
};

// Returns only on failure (or for --help/--version), with the exit code;
// on success it does not return: PROGRAM replaces this process.
int run_helper(int argc, char** argv, const HelperSetup& setup);

}  // namespace papers::ioperm
