// shm_job.hpp — runs a papers job of forked processes on the shm backend:
// each child gets its PAPERS_* environment, runs a body and reports one
// exit code and a short text through a pipe. The parent bounds the whole job
// with a deadline and kills children that outlive it.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace papers::test {

struct RankSpec {
    int rank = 0;
    int size = 1;
    std::map<std::string, std::string> env;  // extra or overriding PAPERS_* variables
    int start_delay_ms = 0;
};

struct RankOutcome {
    int exit_code = -1;  // body's return value; 100+signal if killed; -1 if it hung
    std::string text;    // what the body wrote with report()
    double seconds = 0;  // from fork to exit
};

// The body runs in the child after the environment is set (papers_init is
// the body's business). `report` appends to the text the parent receives.
using RankBody = std::function<int(const RankSpec&, const std::function<void(const std::string&)>& report)>;

struct JobOptions {
    std::string job;              // PAPERS_JOB ("" leaves it unset); default: unique
    double timeout_s = 5;         // PAPERS_TIMEOUT
    double watchdog_s = 60;       // parent kills the job after this
    bool set_job = true;
};

// A job id unique to this test process.
std::string unique_job_id(const std::string& tag);

std::vector<RankOutcome> run_job(const std::vector<RankSpec>& ranks, const RankBody& body,
                                 JobOptions opt);

// N ranks 0..N-1 of a job of N.
std::vector<RankSpec> ranks_of(int n, std::map<std::string, std::string> env = {});

// True if /dev/shm holds the job's segment.
bool segment_exists(const std::string& job);
void remove_segment(const std::string& job);

}  // namespace papers::test
