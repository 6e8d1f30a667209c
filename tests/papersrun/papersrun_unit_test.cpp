// Unit tests of papersrun's pieces: argument splitting, option checks,
// backend choice, environment rules, line forwarding, program lookup and
// the shm backstop.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "launchers.hpp"
#include "command_line.hpp"
#include "job_env.hpp"
#include "job_supervisor.hpp"
#include "launch_error.hpp"
#include "line_forwarder.hpp"
#include "program_path.hpp"

using namespace papersrun;
using Args = std::vector<std::string>;

namespace {

std::string usage_error(const Args& args) {
    try {
        parse_command_line(args);
    } catch (const LaunchError& e) {
        EXPECT_EQ(e.exit_code(), kExitUsage);
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(SplitArguments, ProgramArgumentsAreNotPapersrunOptions) {
    SplitArgs s = split_arguments({"-np", "4", "--tag-output", "prog", "-np", "5", "--backend", "x"});
    EXPECT_EQ(s.launcher, (Args{"--np=4", "--tag-output"}));
    EXPECT_EQ(s.command, (Args{"prog", "-np", "5", "--backend", "x"}));
}

TEST(SplitArguments, DoubleDashEndsOptionsAndValuesMayStartWithDash) {
    SplitArgs s = split_arguments({"-n", "2", "--backend", "shm", "--", "-weird-name", "a"});
    EXPECT_EQ(s.launcher, (Args{"--np=2", "--backend=shm"}));
    EXPECT_EQ(s.command, (Args{"-weird-name", "a"}));
    s = split_arguments({"-np", "-3", "prog"});
    EXPECT_EQ(s.launcher, (Args{"--np=-3"}));
    EXPECT_EQ(s.command, (Args{"prog"}));
    s = split_arguments({"-np=2", "-v", "prog"});
    EXPECT_EQ(s.launcher, (Args{"--np=2", "-v"}));
}

TEST(ParseCommandLine, ReadsEveryOption) {
    ParseResult r = parse_command_line({"-np", "3", "--backend", "capers", "--timeout", "2.5",
                                        "--job-timeout", "9", "--trace", "t.vcd", "--tag-output", "-v",
                                        "prog", "arg"});
    const RunOptions& o = r.options;
    EXPECT_FALSE(r.exit_now);
    EXPECT_EQ(o.np.value(), 3);
    EXPECT_EQ(o.backend, "capers");
    EXPECT_DOUBLE_EQ(o.timeout_s.value(), 2.5);
    EXPECT_DOUBLE_EQ(o.job_timeout_s.value(), 9.0);
    EXPECT_EQ(o.trace, "t.vcd");
    EXPECT_TRUE(o.tag_output);
    EXPECT_TRUE(o.verbose);
    EXPECT_EQ(o.command, (Args{"prog", "arg"}));
}

TEST(ParseCommandLine, BadRankCountsAreNamed) {
    EXPECT_NE(usage_error({"-np", "0", "prog"}).find("-np 0"), std::string::npos);
    EXPECT_NE(usage_error({"-np", "-2", "prog"}).find("-np -2"), std::string::npos);
    EXPECT_NE(usage_error({"prog"}).find("-np N is required"), std::string::npos);
    EXPECT_NE(usage_error({"-np", "two", "prog"}).find("two"), std::string::npos);
}

TEST(ParseCommandLine, OtherMistakes) {
    EXPECT_NE(usage_error({"-np", "2"}).find("no PROGRAM"), std::string::npos);
    EXPECT_NE(usage_error({"-np", "2", "--backend", "carrier-pigeon", "prog"}).find("carrier-pigeon"),
              std::string::npos);
    EXPECT_NE(usage_error({"-np", "2", "--timeout", "-1", "prog"}).find("timeout"), std::string::npos);
    EXPECT_NE(usage_error({"-np", "2", "--frobnicate", "prog"}).find("frobnicate"), std::string::npos);
}

// Durations are bounded: 1e20 s used to overflow the deadline's duration
// cast (issue 15, finding 8).
TEST(ParseCommandLine, DurationsOutOfBoundsAreRefused) {
    for (const char* opt : {"--job-timeout", "--timeout", "--sim-ready-timeout", "--dipc-ready-timeout"}) {
        for (const char* v : {"1e20", "inf", "nan", "0", "-3", "5x"})
            EXPECT_NE(usage_error({"-np", "2", opt, v, "prog"}).find(opt), std::string::npos)
                << opt << " " << v;
    }
    EXPECT_NE(usage_error({"-np", "2", "--timeout", "86401", "prog"}).find("86400"), std::string::npos);
    EXPECT_DOUBLE_EQ(parse_command_line({"-np", "2", "--job-timeout", "31536000", "prog"})
                         .options.job_timeout_s.value(),
                     31536000.0);
}

TEST(ParseCommandLine, HelpExitsZero) {
    testing::internal::CaptureStdout();
    ParseResult r = parse_command_line({"--help"});
    std::string help = testing::internal::GetCapturedStdout();
    EXPECT_TRUE(r.exit_now);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(help.find("--job-timeout"), std::string::npos);
    EXPECT_NE(help.find("capers"), std::string::npos);
}

TEST(ChooseBackend, OptionThenEnvironmentThenSim) {
    RunOptions o;
    std::string origin;
    JobEnv empty = JobEnv::from_strings({});
    JobEnv exported = JobEnv::from_strings({"PAPERS_BACKEND=udp"});
    EXPECT_EQ(choose_backend(o, empty, origin), "sim");
    EXPECT_EQ(origin, "default");
    EXPECT_EQ(choose_backend(o, exported, origin), "udp");
    EXPECT_EQ(origin, "PAPERS_BACKEND");
    o.backend = "shm";
    EXPECT_EQ(choose_backend(o, exported, origin), "shm");
    EXPECT_EQ(origin, "--backend");
    o.backend = "auto";  // nothing configured: every rank on this host
    EXPECT_EQ(choose_backend(o, empty, origin), "shm");
    EXPECT_NE(origin.find("auto: all ranks on this host"), std::string::npos) << origin;
    o.hosts = "127.0.0.1,elsewhere.example:4000";
    EXPECT_EQ(choose_backend(o, empty, origin), "udp");
    EXPECT_NE(origin.find("other hosts (elsewhere.example)"), std::string::npos) << origin;
    o.hosts = "";
    o.hub_tree = "4x2";
    EXPECT_EQ(choose_backend(o, empty, origin), "sim");
    o.hub_tree = "";
    o.backend = "";
    JobEnv bogus = JobEnv::from_strings({"PAPERS_BACKEND=nonsense"});
    EXPECT_THROW(choose_backend(o, bogus, origin), LaunchError);
}

TEST(BackendTable, HasEveryTransportAndEachCanBeChecked) {
    for (const char* name : {"sim", "capers", "hub", "shm", "udp", "mpi", "auto"})
        EXPECT_NE(find_launcher(name), nullptr) << name;
    for (const auto& b : launcher_table()) {
        if (b.name == "auto") continue;  // resolved before check/prepare
        EXPECT_TRUE(b.check && b.prepare) << b.name;
    }
    EXPECT_EQ(find_launcher("tcp"), nullptr);
}

TEST(JobEnv, DefaultsKeepExportedValuesAndRanksGetTheirOwn) {
    JobEnv env = JobEnv::from_strings({"PAPERS_TIMEOUT=7", "HOME=/root", "bogus"});
    env.set_default("PAPERS_TIMEOUT", "3");
    env.set_default("PAPERS_PORT", "0x378");
    EXPECT_EQ(env.get("PAPERS_TIMEOUT").value(), "7");
    EXPECT_EQ(env.get("PAPERS_PORT").value(), "0x378");
    env.set("PAPERS_TIMEOUT", "3");
    EXPECT_EQ(env.get("PAPERS_TIMEOUT").value(), "3");
    auto r2 = env.for_rank(2, 4);
    EXPECT_NE(std::find(r2.begin(), r2.end(), "PAPERS_RANK=2"), r2.end());
    EXPECT_NE(std::find(r2.begin(), r2.end(), "PAPERS_SIZE=4"), r2.end());
    EXPECT_NE(std::find(r2.begin(), r2.end(), "HOME=/root"), r2.end());
    EXPECT_FALSE(env.get("PAPERS_RANK"));  // the shared part is untouched
}

TEST(JobEnv, JobIdsAreUniqueAndStartWithThePid) {
    std::string a = make_job_id(), b = make_job_id();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind(std::to_string(getpid()) + "-", 0), 0u);
}

namespace {
struct Collected {
    std::vector<std::string> writes;
    LineForwarder::Sink sink() {
        return [this](std::string_view s) { writes.emplace_back(s); };
    }
    std::string all() const {
        std::string out;
        for (auto& w : writes) out += w;
        return out;
    }
};
}  // namespace

TEST(LineForwarder, WritesOnlyWholeLinesWithTheTag) {
    Collected c;
    LineForwarder f(c.sink(), "[3] ");
    f.feed("hel");
    EXPECT_TRUE(c.writes.empty());  // nothing until the line is complete
    f.feed("lo\nwor");
    ASSERT_EQ(c.writes.size(), 1u);
    EXPECT_EQ(c.writes[0], "[3] hello\n");
    f.feed("ld\nA\nB\n");
    EXPECT_EQ(c.writes.back(), "[3] world\n[3] A\n[3] B\n");  // one write for the batch
    f.feed("tail");
    f.finish();
    EXPECT_EQ(c.writes.back(), "[3] tail\n");
}

TEST(LineForwarder, UntaggedPassesBytesVerbatim) {
    Collected c;
    LineForwarder f(c.sink(), "");
    f.feed("a\nb");
    f.feed("c");
    f.finish();
    EXPECT_EQ(c.all(), "a\nbc");
    f.finish();  // nothing pending: writes nothing
    EXPECT_EQ(c.all(), "a\nbc");
}

TEST(LineForwarder, RunawayLineIsPassedOnInPieces) {
    Collected c;
    LineForwarder f(c.sink(), "[0] ");
    std::string big(LineForwarder::kMaxPending + 10, 'x');
    f.feed(big);
    ASSERT_EQ(c.writes.size(), 1u);
    EXPECT_EQ(c.writes[0], "[0] " + big);
    f.feed("y\nz\n");
    EXPECT_EQ(c.writes.back(), "y\n[0] z\n");  // continuation untagged, next line tagged
}

TEST(FindProgram, SearchesPathLikeExecvp) {
    std::string why;
    std::string sh = find_program("sh", "/nonexistent:/usr/bin:/bin", why);
    EXPECT_TRUE(sh == "/usr/bin/sh" || sh == "/bin/sh") << sh;
    EXPECT_EQ(find_program("no-such-program-xyz", "/usr/bin:/bin", why), "");
    EXPECT_EQ(why, "not found in PATH");
    EXPECT_EQ(find_program("/no/such/file", "", why), "");
    EXPECT_EQ(why, "no such file");
    EXPECT_EQ(find_program("/tmp", "", why), "");
    EXPECT_NE(why.find("directory"), std::string::npos) << why;
}

TEST(FindProgram, RejectsFileWithoutExecuteBit) {
    char path[] = "/tmp/papersrun-noexec-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    chmod(path, 0644);
    std::string why;
    EXPECT_EQ(find_program(path, "", why), "");
    EXPECT_NE(why.find("ermission"), std::string::npos) << why;
    chmod(path, 0755);
    EXPECT_EQ(find_program(path, "", why), path);
    unlink(path);
}

TEST(SweepJobShm, RemovesOnlyThisJobsObjects) {
    std::string job = make_job_id();
    auto make = [](const std::string& name) {
        int fd = shm_open(name.c_str(), O_CREAT | O_RDWR, 0600);
        ASSERT_GE(fd, 0) << name;
        close(fd);
    };
    make("/papers-" + job);
    make("/papers-" + job + "-udp");
    make("/papers-" + job + "0");  // another job whose id extends ours
    auto removed = sweep_job_shm(job);
    std::sort(removed.begin(), removed.end());
    EXPECT_EQ(removed, (Args{"/papers-" + job, "/papers-" + job + "-udp"}));
    struct stat st;
    EXPECT_EQ(stat(("/dev/shm/papers-" + job + "0").c_str(), &st), 0);
    shm_unlink(("/papers-" + job + "0").c_str());
}

// The shm backend names its segment "papers-shm-<job>": a job whose rank
// was killed must not leave it in /dev/shm (issue 15, finding 1).
TEST(SweepJobShm, RemovesTheShmBackendsSegment) {
    std::string job = make_job_id();
    const int fd = shm_open(("/papers-shm-" + job).c_str(), O_CREAT | O_RDWR, 0600);
    ASSERT_GE(fd, 0);
    close(fd);
    const int other = shm_open(("/papers-shm-" + job + "0").c_str(), O_CREAT | O_RDWR, 0600);
    ASSERT_GE(other, 0);
    close(other);
    EXPECT_EQ(sweep_job_shm(job), (Args{"/papers-shm-" + job}));
    struct stat st;
    EXPECT_NE(stat(("/dev/shm/papers-shm-" + job).c_str(), &st), 0);
    EXPECT_EQ(stat(("/dev/shm/papers-shm-" + job + "0").c_str(), &st), 0);
    shm_unlink(("/papers-shm-" + job + "0").c_str());
}
