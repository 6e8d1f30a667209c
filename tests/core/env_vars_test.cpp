// env_vars_test.cpp — the one strict parser of the environment tables
// (core/env_vars.hpp), fed from a map instead of the process environment.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/env_vars.hpp"

namespace papers::env {
namespace {

std::map<std::string, std::string> g_env;
const char* from_map(const char* name) {
    auto it = g_env.find(name);
    return it == g_env.end() ? nullptr : it->second.c_str();
}

constexpr Var kCount{.name = "T_COUNT", .kind = Kind::integer, .min = 1, .max = 64, .unit = "ports"};
constexpr Var kWait{.name = "T_WAIT", .kind = Kind::seconds, .min_s = 0, .max_s = 60};
constexpr Var kMode{.name = "T_MODE", .kind = Kind::choice, .fallback = "auto",
                    .choices = "auto|fast|safe"};
constexpr Var kOn{.name = "T_ON", .kind = Kind::flag};
constexpr Var kName{.name = "T_NAME", .kind = Kind::text};
constexpr Var kStray{.name = "T_STRAY", .kind = Kind::text};  // in no table
constexpr const Var* kVars[] = {&kCount, &kWait, &kMode, &kOn, &kName};
constexpr Table kTable{"test", "Test", kVars};

class EnvVars : public ::testing::Test {
protected:
    void SetUp() override { g_env.clear(); }
};

TEST_F(EnvVars, UnsetAndEmptyGiveTheFallback) {
    g_env["T_NAME"] = "";
    Reader in(kTable, from_map);
    EXPECT_EQ(in.integer(kCount, 7), 7);
    EXPECT_EQ(in.seconds(kWait, 2.5), 2.5);
    EXPECT_EQ(in.choice(kMode), "auto");
    EXPECT_TRUE(in.flag(kOn, true));
    EXPECT_EQ(in.text(kName, "x"), "x");
    EXPECT_FALSE(in.is_set(kName));
    EXPECT_TRUE(in.ok()) << in.error();
}

TEST_F(EnvVars, WellFormedValuesAreParsed) {
    g_env = {{"T_COUNT", "64"}, {"T_WAIT", "0.25"}, {"T_MODE", "safe"}, {"T_ON", "no"},
             {"T_NAME", "a b"}};
    Reader in(kTable, from_map);
    EXPECT_EQ(in.integer(kCount, 1), 64);
    EXPECT_DOUBLE_EQ(in.seconds(kWait, 1), 0.25);
    EXPECT_EQ(in.choice(kMode), "safe");
    EXPECT_FALSE(in.flag(kOn, true));
    EXPECT_EQ(in.text(kName), "a b");
    EXPECT_TRUE(in.ok()) << in.error();
}

TEST_F(EnvVars, MalformedValuesAreErrorsNamingVariableBoundsAndValue) {
    const std::map<std::string, std::pair<std::string, std::string>> cases = {
        {"T_COUNT", {"0", "T_COUNT must be a number of ports from 1 to 64, got '0'"}},
        {"T_COUNT", {"12abc", "T_COUNT must be a number of ports from 1 to 64, got '12abc'"}},
        {"T_WAIT", {"0", "T_WAIT must be seconds in (0, 60], got '0'"}},
        {"T_WAIT", {"nan", "T_WAIT must be seconds in (0, 60], got 'nan'"}},
        {"T_MODE", {"Fast", "T_MODE must be one of auto, fast, safe, got 'Fast'"}},
        {"T_ON", {"2", "T_ON must be 1 (or yes, on, true) or 0 (or no, off, false), got '2'"}},
    };
    for (const auto& [name, c] : cases) {
        g_env = {{name, c.first}};
        Reader in(kTable, from_map);
        in.integer(kCount, 1);
        in.seconds(kWait, 1);
        in.choice(kMode);
        in.flag(kOn, false);
        EXPECT_FALSE(in.ok()) << name << "=" << c.first;
        EXPECT_EQ(in.error(), c.second);
    }
}

TEST_F(EnvVars, TheFirstErrorIsKept) {
    g_env = {{"T_COUNT", "x"}, {"T_MODE", "y"}};
    Reader in(kTable, from_map);
    EXPECT_EQ(in.integer(kCount, 3), 3);
    EXPECT_EQ(in.choice(kMode), "auto");
    EXPECT_NE(in.error().find("T_COUNT"), std::string::npos) << in.error();
}

TEST_F(EnvVars, ReadingAVariableOutsideTheTableIsAnError) {
    g_env = {{"T_STRAY", "set"}};
    Reader in(kTable, from_map);
    EXPECT_EQ(in.text(kStray, "fallback"), "fallback");
    EXPECT_EQ(in.error(), "T_STRAY is read by test but not declared in its table (env_vars.hpp)");
}

}  // namespace
}  // namespace papers::env
