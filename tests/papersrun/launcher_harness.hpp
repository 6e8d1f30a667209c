// launcher_harness.hpp — runs papersrun as a child of the test, captures its
// stdout/stderr, and answers the questions the tests ask about a job
// (which pids did the ranks print, are they still alive, what shm is left).
#pragma once
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace papersrun_test {

struct Outcome {
    int wait_status = 0;
    int exit_code = -1;  // exit status, or 128 + signal
    std::string out, err;
    double seconds = 0;  // wall time from start to exit
};

class Launch {
public:
    // Starts PAPERSRUN_EXE with `args`; the environment is the test's minus
    // every PAPERS_* variable, plus `extra_env` ("NAME=value").
    explicit Launch(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});
    ~Launch();  // kills papersrun if a test left it running

    // Reads output until `done(stdout)` holds or `timeout_s` passes.
    bool wait_for_stdout(const std::function<bool(const std::string&)>& done, double timeout_s);
    void send_signal(int sig);
    // Reads to EOF and waits for exit; after `timeout_s` papersrun is
    // SIGKILLed and the outcome has exit_code -1.
    Outcome finish(double timeout_s = 30);

    pid_t pid() const { return pid_; }
    const std::string& out() const { return out_; }

private:
    void pump(int timeout_ms);
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    double start_ = 0;
};

Outcome run(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {},
            double timeout_s = 30);

// Pids printed by fake_rank as "rank R pid P" / "rank R child P".
std::vector<pid_t> printed_pids(const std::string& out);
// Lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix);
int count_lines(const std::string& text, const std::string& needle);
bool alive(pid_t pid);
// Job id from papersrun -v ("... job <id>, ...").
std::string job_id_from_verbose(const std::string& err);
// /dev/shm entries of a job ("papers-<job>*").
std::vector<std::string> shm_objects_of(const std::string& job);

double now_s();

}  // namespace papersrun_test
