// launch_error.hpp — how papersrun's own failures travel to main(): an
// exception carrying the message and the exit code papersrun ends with.
#pragma once
#include <stdexcept>
#include <string>

namespace papersrun {

// Exit codes of papersrun itself (a rank's own status is passed through).
inline constexpr int kExitLaunchFailure = 1;  // simulator/fork/exec trouble
inline constexpr int kExitUsage = 2;          // bad command line, missing program
inline constexpr int kExitJobTimeout = 124;   // --job-timeout expired (like timeout(1))

class LaunchError : public std::runtime_error {
public:
    LaunchError(int exit_code, const std::string& msg)
        : std::runtime_error(msg), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

private:
    int exit_code_;
};

// papersrun received SIGINT/SIGTERM/SIGHUP while it was still starting the job.
class Interrupted : public std::runtime_error {
public:
    explicit Interrupted(int signo)
        : std::runtime_error("interrupted"), signo_(signo) {}
    int signo() const { return signo_; }

private:
    int signo_;
};

// Text of errno, for messages.
std::string errno_text(int err);

}  // namespace papersrun
