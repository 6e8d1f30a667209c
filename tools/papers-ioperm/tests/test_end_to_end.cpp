// test_end_to_end.cpp — the installed helper, for real: copies are made
// setuid root (or given cap_sys_rawio) in a temp dir, started as throwaway
// uids/gids (54321..., no passwd entry needed; "nobody" for names), and the
// program they exec reports its own credentials from the kernel.
//
// papers-ioperm-testbuild has a fake port grant (this kernel has no ioperm)
// and reads ioperm.conf next to itself; the real papers-ioperm is checked to
// fail with the ENOSYS advice and to run nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <cstdlib>

#include "port_grant.hpp"
#include "test_support.hpp"

using ioperm_test::RunAs;
using ioperm_test::RunResult;
using ioperm_test::TempDir;
using ioperm_test::run_program;
using ioperm_test::write_file;

namespace {

constexpr uid_t kUid = 54321;
constexpr gid_t kGid = 54321;
constexpr gid_t kExtraGid = 54399;
constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

const std::vector<std::string> kEnv = {"PATH=/usr/bin:/bin", "PROBE_MARK=kept",
                                       "PAPERS_PORT=0x999",  // must be overwritten
                                       "LD_PRELOAD=/nonexistent/evil.so"};

class EndToEnd : public testing::Test {
protected:
    void SetUp() override {
        if (!ioperm_test::is_root()) GTEST_SKIP() << "end-to-end tests need root (setuid install, chown)";
        dir_ = std::make_unique<TempDir>();
        install(PAPERS_IOPERM_TESTBUILD, helper(), 04755);
        install(PAPERS_IOPERM_REAL, real(), 04755);
        ioperm_test::copy_file(PAPERS_IOPERM_PROBE, probe(), 0755);
        // The test build's /proc/ioports: the three classic parallel ports.
        write_file(dir_->file("ioports"),
                   "0000-0cf7 : PCI Bus 0000:00\n  0278-027a : parport1\n  0378-037a : parport0\n"
                   "  03bc-03be : parport2\n  03f8-03ff : serial\n",
                   0644);
    }

    void install(const char* from, const std::string& to, mode_t mode) {
        ioperm_test::copy_file(from, to, 0700);
        ASSERT_EQ(::chown(to.c_str(), 0, 0), 0);
        ASSERT_EQ(::chmod(to.c_str(), mode), 0);  // after chown: chown clears setuid
    }

    std::string helper() const { return dir_->file("papers-ioperm-testbuild"); }
    std::string real() const { return dir_->file("papers-ioperm"); }
    std::string probe() const { return dir_->file("probe"); }
    std::string conf() const { return dir_->file("ioperm.conf"); }  // the test build's default

    // This process's supplementary groups as the probe prints them.
    static std::string own_groups() {
        std::vector<gid_t> g(static_cast<std::size_t>(::getgroups(0, nullptr)));
        g.resize(static_cast<std::size_t>(::getgroups(static_cast<int>(g.size()), g.data())));
        std::sort(g.begin(), g.end());
        std::string s;
        for (const gid_t x : g) s += (s.empty() ? "" : ",") + std::to_string(x);
        return s;
    }

    static RunAs as(uid_t u, gid_t g, std::vector<gid_t> groups) { return RunAs{true, u, g, std::move(groups)}; }

    // Every id the probe saw is `u`/`g`, no capability survived, no_new_privs is on.
    static void expect_dropped_to(const RunResult& r, uid_t u, gid_t g, const std::string& groups,
                                  bool bounding_cleared = true) {
        ASSERT_EQ(r.exit_code, 0) << "stderr: " << r.err << "\nstdout: " << r.out;
        const std::string us = std::to_string(u), gs = std::to_string(g);
        EXPECT_EQ(r.fields.at("uids"), us + " " + us + " " + us);
        EXPECT_EQ(r.fields.at("gids"), gs + " " + gs + " " + gs);
        EXPECT_EQ(r.fields.at("groups"), groups);
        for (const char* cap : {"CapInh", "CapPrm", "CapEff", "CapAmb"})
            EXPECT_EQ(r.fields.at(cap), "0000000000000000") << cap;
        if (bounding_cleared) {
            EXPECT_EQ(r.fields.at("CapBnd"), "0000000000000000");
        }
        EXPECT_EQ(r.fields.at("NoNewPrivs"), "1");
        EXPECT_EQ(r.fields.at("env_PROBE_MARK"), "kept");
        EXPECT_EQ(r.fields.at("env_PAPERS_PORT_ACCESS"), "direct");
    }

    std::unique_ptr<TempDir> dir_;
};

}  // namespace

TEST_F(EndToEnd, SetuidRootDropsEverythingForAUidListedByNumber) {
    write_file(conf(), "# e2e\nport 0x378 uids " + std::to_string(kUid) + "\n");
    const auto r = run_program({helper(), "--port", "0x378", probe(), "hello", "world"},
                               as(kUid, kGid, {kGid, kExtraGid}), kEnv);
    expect_dropped_to(r, kUid, kGid, std::to_string(kGid) + "," + std::to_string(kExtraGid));
    EXPECT_EQ(r.fields.at("env_PAPERS_PORT"), "0x378");
    EXPECT_EQ(r.fields.at("args"), "hello world");
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(EndToEnd, AllowedByUserNameAndThePortIsChosenFromTheConfig) {
    write_file(conf(), "port 0x278 users nobody\nport 0x378 uids 1\n");
    const auto r = run_program({helper(), probe()}, as(kNobody, kNogroup, {kNogroup}), kEnv);
    expect_dropped_to(r, kNobody, kNogroup, std::to_string(kNogroup));
    EXPECT_EQ(r.fields.at("env_PAPERS_PORT"), "0x278");
}

TEST_F(EndToEnd, AllowedBySupplementaryGroupName) {
    write_file(conf(), "port 0x3bc groups nogroup\n");
    const auto r = run_program({helper(), "--", probe()}, as(kUid, kGid, {kNogroup}), kEnv);
    expect_dropped_to(r, kUid, kGid, std::to_string(kNogroup));
    EXPECT_EQ(r.fields.at("env_PAPERS_PORT"), "0x3bc");
}

TEST_F(EndToEnd, RootCallerKeepsUidZeroButLosesEveryCapability) {
    write_file(conf(), "port 0x378 uids 0\n");
    const auto r = run_program({helper(), probe()}, RunAs{}, kEnv);
    expect_dropped_to(r, 0, 0, own_groups());
}

TEST_F(EndToEnd, FileCapabilityInstallDropsTheCapability) {
    const std::string fcap = dir_->file("papers-ioperm-fcap");
    ioperm_test::copy_file(PAPERS_IOPERM_TESTBUILD, fcap, 0755);
    const std::string cmd = "setcap cap_sys_rawio+ep " + fcap + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "setcap not available or file system without xattrs";
    // Prove the kernel honours file capabilities here: a probe copy with the
    // same capability starts with CAP_SYS_RAWIO (bit 17) permitted, so the
    // helper below really started privileged.
    const std::string fprobe = dir_->file("probe-fcap");
    ioperm_test::copy_file(PAPERS_IOPERM_PROBE, fprobe, 0755);
    ASSERT_EQ(std::system(("setcap cap_sys_rawio+ep " + fprobe).c_str()), 0);
    const auto p = run_program({fprobe}, as(kUid, kGid, {kGid}), kEnv);
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_EQ(p.fields.at("CapPrm"), "0000000000020000");
    EXPECT_EQ(p.fields.at("CapEff"), "0000000000020000");

    // The fcap copy reads ioperm.conf next to itself, same directory.
    write_file(conf(), "port 0x378 uids " + std::to_string(kUid) + "\n");
    const auto r = run_program({fcap, probe()}, as(kUid, kGid, {kGid}), kEnv);
    // Without CAP_SETPCAP the bounding set cannot shrink; no_new_privs covers it.
    expect_dropped_to(r, kUid, kGid, std::to_string(kGid), /*bounding_cleared=*/false);
    EXPECT_EQ(r.fields.at("env_PAPERS_PORT"), "0x378");
}

TEST_F(EndToEnd, CallerNotInTheConfigIsRefusedAndNothingRuns) {
    write_file(conf(), "port 0x378 uids " + std::to_string(kUid) + " groups nogroup\n");
    const auto r = run_program({helper(), "--port", "0x378", probe()}, as(kUid + 1, kGid, {kGid}), kEnv);
    EXPECT_EQ(r.exit_code, 77);
    EXPECT_EQ(r.err, "papers-ioperm: uid 54322 may not use port 0x378 (" + conf() +
                         " line 1 does not list it or its groups)\n");
    EXPECT_TRUE(r.out.empty()) << r.out;
    const auto r2 = run_program({helper(), probe()}, as(kUid + 1, kGid, {kGid}), kEnv);
    EXPECT_EQ(r2.exit_code, 77);
    EXPECT_NE(r2.err.find("uid 54322 is not allowed any port"), std::string::npos) << r2.err;
}

TEST_F(EndToEnd, UnsafeOrGarbledConfigIsRefused) {
    write_file(conf(), "port 0x378 uids " + std::to_string(kUid) + "\n");
    ASSERT_EQ(::chown(conf().c_str(), 12345, 12345), 0);
    auto r = run_program({helper(), probe()}, as(kUid, kGid, {}), kEnv);
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_NE(r.err.find("owned by uid 12345, must be owned by root"), std::string::npos) << r.err;

    ASSERT_EQ(::chown(conf().c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(conf().c_str(), 0666), 0);
    r = run_program({helper(), probe()}, as(kUid, kGid, {}), kEnv);
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_NE(r.err.find("writable by group or others (mode 0666)"), std::string::npos) << r.err;

    write_file(conf(), "port 0x378 uids 54321\nport 0x378 uids 1\n", 0644);
    r = run_program({helper(), probe()}, as(kUid, kGid, {}), kEnv);
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_NE(r.err.find(conf() + ":2: port 0x378 is already configured on line 1"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(EndToEnd, ConfigOptionAndUnknownOptionsAreRefusedForUsers) {
    write_file(conf(), "port 0x378 uids " + std::to_string(kUid) + "\n");
    write_file(dir_->file("mine.conf"), "port 0x378 uids " + std::to_string(kUid) + "\n");
    for (const auto& bin : {helper(), real()}) {
        auto r = run_program({bin, "--config", dir_->file("mine.conf"), probe()}, as(kUid, kGid, {}), kEnv);
        EXPECT_EQ(r.exit_code, 77) << bin;
        EXPECT_NE(r.err.find("--config is only honoured when the real user is root"), std::string::npos) << r.err;
        r = run_program({bin, "--frobnicate", probe()}, as(kUid, kGid, {}), kEnv);
        EXPECT_EQ(r.exit_code, 64);
        EXPECT_NE(r.err.find("unknown option '--frobnicate'"), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty());
    }
}

TEST_F(EndToEnd, EmptyArgvIsRefused) {
    // Linux >= 5.18 turns an empty argv into {""}; older kernels pass argc == 0.
    const auto r = run_program({helper()}, as(kUid, kGid, {}), kEnv, 10.0, /*empty_argv=*/true);
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_TRUE(r.err == "papers-ioperm: started with an empty argument list\n" ||
                r.err == "papers-ioperm: no PROGRAM to run (see --help)\n")
        << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(EndToEnd, MissingProgramIsReportedAfterTheDrop) {
    write_file(conf(), "port 0x378 uids " + std::to_string(kUid) + "\n");
    const auto r = run_program({helper(), "no-such-program-papers"}, as(kUid, kGid, {}), kEnv);
    EXPECT_EQ(r.exit_code, 127);
    EXPECT_NE(r.err.find("cannot run 'no-such-program-papers': No such file or directory"), std::string::npos)
        << r.err;
}

TEST_F(EndToEnd, RealBinaryOnThisKernelFailsWithAdviceAndRunsNothing) {
    write_file(dir_->file("root.conf"), "port 0x378 uids 0 ioports any\n");
    // What does this kernel say to ioperm? (We are root: EPERM is impossible.)
    const auto& kernel = papers::ioperm::real_port_grant();
    errno = 0;
    const bool kernel_has_ioperm = kernel.grant(0x378, 3, 1) == 0;
    const int kernel_errno = errno;
    if (kernel_has_ioperm) kernel.grant(0x378, 3, 0);

    const auto r = run_program({real(), "--config", dir_->file("root.conf"), probe()}, RunAs{}, kEnv);
    if (kernel_has_ioperm) {
        expect_dropped_to(r, 0, 0, own_groups());
        return;
    }
    ASSERT_EQ(kernel_errno, ENOSYS) << std::strerror(kernel_errno);
    EXPECT_EQ(r.exit_code, 69);
    if (kernel.available) {
        EXPECT_NE(r.err.find("ioperm(2) for ports 0x378..0x37a failed: ENOSYS"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("CONFIG_X86_IOPL_IOPERM"), std::string::npos) << r.err;
    } else {
        EXPECT_NE(r.err.find("exists only on x86"), std::string::npos) << r.err;
    }
    EXPECT_NE(r.err.find("PAPERS_PORT_ACCESS=ieee1284"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << "the program ran: " << r.out;
}

// A base the kernel does not list as a parallel port is refused unless the
// configuration says `ioports any` (issue 15, finding 9).
TEST_F(EndToEnd, BaseNotListedAsAParallelPortIsRefusedUnlessConfigured) {
    write_file(conf(), "port 0x3f8 uids " + std::to_string(kUid) + "\n");
    auto r = run_program({helper(), probe()}, as(kUid, kGid, {kGid}), kEnv);
    EXPECT_EQ(r.exit_code, 77) << r.err;
    EXPECT_NE(r.err.find("port 0x3f8 is not a parallel port the kernel knows"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("'ioports any' on line 1 of " + conf()), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << "the program ran: " << r.out;

    write_file(conf(), "port 0x3f8 uids " + std::to_string(kUid) + " ioports any\n");
    r = run_program({helper(), probe()}, as(kUid, kGid, {kGid}), kEnv);
    expect_dropped_to(r, kUid, kGid, std::to_string(kGid));
}

TEST_F(EndToEnd, HelpAndVersionWorkForUsers) {
    auto r = run_program({real(), "--help"}, as(kUid, kGid, {}), kEnv);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("usage: papers-ioperm"), std::string::npos);
    r = run_program({real(), "--version"}, as(kUid, kGid, {}), kEnv);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("papers-ioperm "), std::string::npos);
    EXPECT_NE(r.out.find("ioperm(2)"), std::string::npos);
}
