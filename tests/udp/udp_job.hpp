// udp_job.hpp — starts a loopback udp job for the tests: N processes of a
// program with PAPERS_* set (free ports, a fresh key), collects their
// output and exit status, and kills everything that outlives a deadline.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace udptest {

struct RankResult {
    int status = -1;     // exit code, or 128+signal, or -1 if killed at the deadline
    std::string output;  // stdout and stderr, interleaved
    double seconds = 0;  // from start to exit
};

struct JobSpec {
    int n = 2;
    std::string program;
    std::vector<std::string> args;
    std::map<std::string, std::string> env;                    // for every rank
    std::map<int, std::map<std::string, std::string>> rank_env;  // overrides per rank
    double deadline_s = 60;  // whole job
};

struct Job {
    std::vector<int> ports;
    std::string hosts, key, job_id;
};

// Picks n free loopback ports and a random key.
Job make_job(int n);

// Runs the job described by spec with the ports/key of `job` (made by
// make_job when job.ports is empty).
std::vector<RankResult> run_job(const JobSpec& spec, Job job = {});

// Sum of one counter ("late", "bad_mac", ...) over the "papers-udp report"
// lines of all ranks (PAPERS_UDP_REPORT=1).
unsigned long long report_sum(const std::vector<RankResult>& ranks, const std::string& key);

std::string describe(const std::vector<RankResult>& ranks);  // for failure messages

// Runs one command (argv[0] a path) with extra environment variables.
RankResult run_command(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, double deadline_s);

}  // namespace udptest
