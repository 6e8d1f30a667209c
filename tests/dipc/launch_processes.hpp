// launch_processes.hpp — what the launch tests need to run whole programs
// (papersrun, papers-dipcd, systemd-analyze) and to check that a job left
// nothing behind: no process mentioning it, no file named after it.
#pragma once
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace launch_test {

struct Outcome {
    int exit_code = -1;  // exit status, 128 + signal, -1 if killed after the timeout
    std::string out, err;
};

// A running program; its environment is the test's minus PAPERS_* and
// LD_PRELOAD, plus `env` ("NAME=value").
class Running {
public:
    Running(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
    ~Running();  // SIGKILLs it if still running
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

    pid_t pid() const { return pid_; }
    bool wait_for_stdout(const std::string& needle, int count, double timeout_s);
    void signal(int sig);
    Outcome finish(double timeout_s = 60);

private:
    void pump(int timeout_ms);
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
};

Outcome run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
            double timeout_s = 60);

// Occurrences of `needle` in `text`.
int count(const std::string& text, const std::string& needle);
// The job id papersrun -v prints ("job <pid>-<8 hex>").
std::string job_id_from(const std::string& err);
// Processes whose command line contains `text` (the test itself excluded).
std::vector<pid_t> processes_mentioning(const std::string& text);
// Entries of `dir` whose name contains `text`.
std::vector<std::string> entries_containing(const std::string& dir, const std::string& text);
// "probe rank=R k=v ..." lines of launch_rank_probe, by rank.
std::map<int, std::map<std::string, std::string>> probe_lines(const std::string& out);
// readlink of /proc/self/ns/<which>.
std::string own_namespace(const std::string& which);

}  // namespace launch_test
