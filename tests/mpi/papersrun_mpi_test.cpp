// papersrun --backend mpi: the mpirun command line it execs.
#include <gtest/gtest.h>

#include <algorithm>

#include "launchers.hpp"
#include "child_processes.hpp"
#include "launch_error.hpp"
#include "mpi_launch.hpp"
#include "signal_channel.hpp"

using namespace papersrun;
using Args = std::vector<std::string>;

namespace {

struct Job {
    RunOptions options;
    ProcessTable processes;
    SignalChannel signals;
    JobContext ctx{options, processes, signals};
    explicit Job(int np, Args command, Args env) {
        options.np = np;
        options.command = std::move(command);
        ctx.np = np;
        ctx.backend = "mpi";
        ctx.job_id = "42-deadbeef";
        ctx.env = JobEnv::from_strings(env);
    }
};

bool has_pair(const Args& a, const std::string& x, const std::string& y) {
    for (std::size_t i = 0; i + 1 < a.size(); ++i)
        if (a[i] == x && a[i + 1] == y) return true;
    return false;
}

}  // namespace

TEST(PapersrunMpi, MpirunCommandLine) {
    Job job(3, {"./prog", "--flag", "-np", "9"},
            {"PAPERS_BACKEND=mpi", "PAPERS_JOB=42-deadbeef", "PAPERS_TIMEOUT=4", "HOME=/root",
             "PAPERS_RANK=1", "PAPERS_SIZE=7"});
    job.options.tag_output = true;
    job.options.job_timeout_s = 2.5;
    const Args a = mpirun_argv("/usr/bin/mpirun", job.ctx, true);
    EXPECT_EQ(a.front(), "/usr/bin/mpirun");
    EXPECT_EQ(a[1], "--allow-run-as-root");
    EXPECT_TRUE(has_pair(a, "-np", "3"));
    EXPECT_NE(std::find(a.begin(), a.end(), "--oversubscribe"), a.end());
    EXPECT_NE(std::find(a.begin(), a.end(), "--tag-output"), a.end());
    EXPECT_TRUE(has_pair(a, "--timeout", "3"));  // whole seconds, rounded up
    EXPECT_TRUE(has_pair(a, "-x", "PAPERS_BACKEND"));
    EXPECT_TRUE(has_pair(a, "-x", "PAPERS_JOB"));
    EXPECT_TRUE(has_pair(a, "-x", "PAPERS_TIMEOUT"));
    EXPECT_FALSE(has_pair(a, "-x", "PAPERS_RANK"));  // MPI numbers the ranks
    EXPECT_FALSE(has_pair(a, "-x", "PAPERS_SIZE"));
    EXPECT_FALSE(has_pair(a, "-x", "HOME"));
    // The program and its arguments come last, untouched.
    const Args tail(a.end() - 4, a.end());
    EXPECT_EQ(tail, (Args{"./prog", "--flag", "-np", "9"}));
}

TEST(PapersrunMpi, NotRootNoRootFlag) {
    Job job(1, {"prog"}, {"PAPERS_BACKEND=mpi"});
    const Args a = mpirun_argv("mpirun", job.ctx, false);
    EXPECT_EQ(std::find(a.begin(), a.end(), "--allow-run-as-root"), a.end());
    EXPECT_TRUE(has_pair(a, "-np", "1"));
}

TEST(PapersrunMpi, MissingMpirunIsAClearError) {
    Job job(2, {"prog"}, {"PAPERS_MPIRUN=no-such-mpirun-xyz", "PATH=/nonexistent"});
    try {
        locate_mpirun(job.ctx);
        FAIL() << "no error";
    } catch (const LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-mpirun-xyz"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("openmpi-bin"), std::string::npos) << e.what();
    }
}
