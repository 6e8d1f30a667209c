// job_supervisor.hpp — runs the ranks of a prepared job to the end.
//
// One poll() loop waits on every rank's stdout/stderr pipe and on the
// signalfd (child exits, Ctrl-C), with a timeout set by the next deadline
// (--job-timeout, or the end of the 2 s SIGTERM grace). When a rank fails,
// or papersrun is told to stop, or the job times out: SIGTERM every rank's
// process group, SIGKILL after 2 s. Then orphans are killed, the output is
// drained, helpers (the simulator) are stopped and the job's shm objects
// are unlinked as a backstop.
#pragma once
#include <string>

#include "launchers.hpp"

namespace papersrun {

// Starts np ranks of `program` (a resolved path; `job.options.command`
// gives argv) and returns papersrun's exit code.
int run_job(JobContext& job, const std::string& program);

// Stops the DIPC daemons (printing their logs if `job_failed`) and other
// helpers, and removes the job's shm objects and DIPC directory (also used
// when the job never got to start its ranks). Returns the shm names removed
// by the sweep.
std::vector<std::string> cleanup_job(JobContext& job, bool job_failed = false);

// Unlinks every /dev/shm object named "papers-<job_id>" or
// "papers-<job_id>[-._]..." (the simulator's wire and its relatives) and
// "papers-shm-<job_id>..." (the shm backend's segment); the job id is
// unique, so these are this job's.
std::vector<std::string> sweep_job_shm(const std::string& job_id);

// "papers-hubsim", or the name a backend gave the helper (papers-dipcd rank-2).
std::string helper_name(const JobContext& job, pid_t pid);

// Writes "papersrun: <msg>\n" to stderr in one write().
void say(const std::string& msg);

}  // namespace papersrun
