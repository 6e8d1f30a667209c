// child_process.hpp — starting the programs a hardware test needs (papers-
// hubsim, PE processes, the tools) with a controlled environment, and
// waiting for them with a timeout. Nothing outlives a test: every child is
// killed and reaped by its owner.
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace papers::test {

// This process's environment minus PAPERS_* and LD_PRELOAD (so a developer's
// shell cannot leak into a test), plus `set`.
std::vector<std::string> clean_env(const std::map<std::string, std::string>& set);

struct Child {
    pid_t pid = -1;
    std::string output_path;  // stdout + stderr
};

// fork + execve; stdout and stderr go to `output_path`. `keep_fd` stays open.
Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& output_path, int keep_fd = -1);

// Exit code (0..255), 128+signal if killed by one, or nullopt after
// `timeout_s` (the child is then killed with SIGKILL and reaped).
std::optional<int> wait_child(pid_t pid, double timeout_s);

std::string read_file(const std::string& path);
std::string temp_path(const std::string& stem);

// papers-hubsim on a fresh shared-memory name, ready when constructed.
class Hubsim {
public:
    Hubsim(const std::string& exe, int ports, const std::string& mode = "hub");
    ~Hubsim();
    Hubsim(const Hubsim&) = delete;
    Hubsim& operator=(const Hubsim&) = delete;

    bool ok() const { return ok_; }
    const std::string& error() const { return error_; }
    const std::string& name() const { return name_; }

private:
    pid_t pid_ = -1;
    std::string name_;
    std::string log_;
    bool ok_ = false;
    std::string error_;
};

// Runs one command to completion: {exit code or -1 on timeout, output}.
std::pair<int, std::string> run_command(const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& env,
                                        double timeout_s);

}  // namespace papers::test
