// CAPERS as separate processes: the virtual LapLink cable (papers-hubsim
// --mode laplink) with papersrun, without it, and on the real-port path
// through the substitute libieee1284.
#include <gtest/gtest.h>

#include <functional>

#include "child_process.hpp"

namespace papers::test {
namespace {

using Env = std::map<std::string, std::string>;

void run_pair(const std::function<Env(int)>& env) {
    std::vector<Child> kids;
    for (int r = 0; r < 2; ++r) {
        Env e = env(r);
        e["PAPERS_RANK"] = std::to_string(r);
        e["PAPERS_SIZE"] = "2";
        e["PAPERS_BACKEND"] = "capers";
        e["PAPERS_TIMEOUT"] = "30";
        kids.push_back(spawn({SUITE_EXE}, clean_env(e), temp_path("capers.log")));
    }
    for (int r = 0; r < 2; ++r) {
        const auto rc = wait_child(kids[r].pid, 120.0);
        const std::string out = read_file(kids[r].output_path);
        ::unlink(kids[r].output_path.c_str());
        EXPECT_EQ(rc.value_or(-1), 0) << "rank " << r << ": " << out;
        EXPECT_NE(out.find("backend capers:"), std::string::npos) << out;
        EXPECT_NE(out.find(" 0 failures"), std::string::npos) << out;
    }
}

TEST(CapersJobs, PapersrunVirtualCable) {
#ifndef PAPERSRUN_EXE
    GTEST_SKIP() << "papersrun is not built";
#else
    auto [rc, out] = run_command({PAPERSRUN_EXE, "--backend", "capers", "-np", "2", SUITE_EXE},
                                 {{"PAPERS_TIMEOUT", "30"}}, 120.0);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("backend capers:"), std::string::npos) << out;
    EXPECT_EQ(out.find("FAIL"), std::string::npos) << out;
#endif
}

TEST(CapersJobs, VirtualCableStartedByHand) {
    Hubsim cable(HUBSIM_EXE, 2, "laplink");
    ASSERT_TRUE(cable.ok()) << cable.error();
    run_pair([&](int) { return Env{{"PAPERS_SIM", cable.name()}}; });
}

#ifdef FAKE1284_SO
TEST(CapersJobs, RealPortPathThroughThePreloadedLibrary) {
    Hubsim cable(HUBSIM_EXE, 2, "laplink");
    ASSERT_TRUE(cable.ok()) << cable.error();
    run_pair([&](int r) {
        return Env{{"LD_PRELOAD", FAKE1284_SO},
                   {"PAPERS_FAKE1284_SIM", cable.name()},
                   {"PAPERS_PORT", "sim" + std::to_string(r)},
                   {"PAPERS_PORT_ACCESS", "ieee1284"}};
    });
}
#endif

}  // namespace
}  // namespace papers::test
