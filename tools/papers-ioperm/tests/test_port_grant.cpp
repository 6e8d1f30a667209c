// test_port_grant.cpp — the port grant behind its interface: a recording
// fake shows exactly which range the helper asks for, and when; the
// failure messages say what to do.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "helper_run.hpp"
#include "port_grant.hpp"
#include "test_support.hpp"

using namespace papers::ioperm;

namespace {

struct GrantCall {
    unsigned long base, num;
    int on;
    bool operator==(const GrantCall&) const = default;
};
std::vector<GrantCall> g_calls;
int g_fail_errno = 0;

int recording_grant(unsigned long base, unsigned long num, int on) {
    g_calls.push_back({base, num, on});
    if (g_fail_errno) {
        errno = g_fail_errno;
        return -1;
    }
    return 0;
}

const PortGrantOps kRecording{"recording fake", true, &recording_grant};

// Runs the helper in-process against `conf`; every case here stops before
// the privilege drop (the grant fails or the request is refused).
int run(const ioperm_test::TempDir& d, const std::string& conf, std::vector<std::string> args, std::string& err) {
    ioperm_test::write_file(d.file("ioperm.conf"), conf);
    HelperSetup setup;
    setup.ops = &kRecording;
    setup.default_config = d.file("ioperm.conf");
    setup.trust = TrustPolicy{::geteuid()};
    // The kernel's I/O regions as the helper reads them: the three classic
    // parallel ports (ioports.hpp).
    ioperm_test::write_file(d.file("ioports"), "  0278-027a : parport1\n  0378-037a : parport0\n"
                                               "  03bc-03be : parport2\n");
    setup.ioports = d.file("ioports");
    args.insert(args.begin(), "papers-ioperm");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    testing::internal::CaptureStderr();
    const int rc = run_helper(static_cast<int>(args.size()), argv.data(), setup);
    err = testing::internal::GetCapturedStderr();
    return rc;
}

}  // namespace

TEST(PortGrant, HelperAsksForExactlyBaseToBasePlusTwoAndStopsWhenItFails) {
    ioperm_test::TempDir d;
    g_calls.clear();
    g_fail_errno = ENOSYS;
    std::string err;
    const std::string me = std::to_string(::getuid());
    EXPECT_EQ(run(d, "port 0x278 uids " + me + "\nport 0x3bc uids " + me + "\n", {"--port", "0x3bc", "/bin/true"}, err),
              kExitUnavailable);
    ASSERT_EQ(g_calls.size(), 1u);
    EXPECT_EQ(g_calls[0], (GrantCall{0x3bc, 3, 1}));
    EXPECT_NE(err.find("CONFIG_X86_IOPL_IOPERM"), std::string::npos) << err;
    EXPECT_NE(err.find("PAPERS_PORT_ACCESS=ieee1284"), std::string::npos) << err;
}

TEST(PortGrant, NothingIsGrantedWhenTheConfigSaysNo) {
    ioperm_test::TempDir d;
    g_calls.clear();
    g_fail_errno = ENOSYS;
    std::string err;
    const std::string other = std::to_string(::getuid() + 1);
    EXPECT_EQ(run(d, "port 0x378 uids " + other + "\n", {"--port", "0x378", "/bin/true"}, err), kExitNoPerm);
    EXPECT_NE(err.find("may not use port 0x378"), std::string::npos) << err;
    EXPECT_EQ(run(d, "port 0x378 uids " + other + "\n", {"--port", "0x278", "/bin/true"}, err), kExitNoPerm);
    EXPECT_NE(err.find("port 0x278 is not configured in " + d.file("ioperm.conf")), std::string::npos) << err;
    EXPECT_EQ(run(d, "port 0x378 uids 1 bogus\n", {"/bin/true"}, err), kExitConfig);
    EXPECT_NE(err.find(d.file("ioperm.conf") + ":1: unknown keyword 'bogus'"), std::string::npos) << err;
    EXPECT_EQ(run(d, "", {"--bogus", "/bin/true"}, err), kExitUsage);
    EXPECT_TRUE(g_calls.empty());
}

// A base /proc/ioports does not list as a parallel port is never granted
// (issue 15, finding 9), unless its line says `ioports any`.
TEST(PortGrant, BaseTheKernelDoesNotListAsAParallelPortIsNotGranted) {
    ioperm_test::TempDir d;
    g_calls.clear();
    g_fail_errno = 0;
    std::string err;
    const std::string me = std::to_string(::getuid());
    EXPECT_EQ(run(d, "port 0x20 uids " + me + "\n", {"/bin/true"}, err), kExitNoPerm);
    EXPECT_NE(err.find("port 0x20 is not a parallel port the kernel knows"), std::string::npos) << err;
    EXPECT_TRUE(g_calls.empty());
    g_fail_errno = ENOSYS;  // granted, then the (recorded) ioperm fails: it was asked for
    EXPECT_EQ(run(d, "port 0x20 uids " + me + " ioports any\n", {"/bin/true"}, err), kExitUnavailable);
    ASSERT_EQ(g_calls.size(), 1u);
    EXPECT_EQ(g_calls[0], (GrantCall{0x20, 3, 1}));
}

TEST(PortGrant, FailureMessagesSayWhatToDo) {
    const auto& real = real_port_grant();
    const std::string enosys = explain_grant_failure(real, 0x378, ENOSYS, false);
    EXPECT_NE(enosys.find("ports 0x378..0x37a failed"), std::string::npos) << enosys;
    EXPECT_NE(enosys.find("CONFIG_X86_IOPL_IOPERM"), std::string::npos) << enosys;
    EXPECT_NE(enosys.find("PAPERS_PORT_ACCESS=ieee1284"), std::string::npos) << enosys;
    const std::string eperm = explain_grant_failure(real, 0x378, EPERM, false);
    EXPECT_NE(eperm.find("chmod 4755"), std::string::npos) << eperm;
    EXPECT_NE(eperm.find("cap_sys_rawio"), std::string::npos) << eperm;
    EXPECT_EQ(eperm.find("no_new_privs"), std::string::npos);
    EXPECT_NE(explain_grant_failure(real, 0x378, EPERM, true).find("no_new_privs"), std::string::npos);
    const PortGrantOps absent{"ioperm(2)", false, real.grant};
    EXPECT_NE(explain_grant_failure(absent, 0x378, ENOSYS, false).find("exists only on x86"), std::string::npos);
}

TEST(PortGrant, RealGrantMatchesThisKernel) {
    // The real ops are the kernel's ioperm: same answer as calling it directly.
    const auto& real = real_port_grant();
#if defined(__x86_64__) || defined(__i386__)
    EXPECT_TRUE(real.available);
#else
    EXPECT_FALSE(real.available);
#endif
    errno = 0;
    const int rc = real.grant(0x378, 3, 1);
    const int e = errno;
    if (rc == 0) {
        real.grant(0x378, 3, 0);  // give it back
        SUCCEED() << "this kernel grants ioperm";
    } else {
        EXPECT_TRUE(e == ENOSYS || e == EPERM) << std::strerror(e);
    }
    EXPECT_EQ(fake_port_grant().grant(0x378, 3, 1), 0);
}
