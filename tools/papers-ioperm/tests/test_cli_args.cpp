// test_cli_args.cpp — the strict argv parser.
#include <gtest/gtest.h>

#include <vector>

#include "cli_args.hpp"

using namespace papers::ioperm;

namespace {

CliResult parse(std::vector<const char*> args) {
    args.insert(args.begin(), "papers-ioperm");
    return parse_cli(static_cast<int>(args.size()), args.data());
}

void expect_error(std::vector<const char*> args, const std::string& needle) {
    const auto r = parse(std::move(args));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find(needle), std::string::npos) << "message was: " << r.error;
}

}  // namespace

TEST(CliArgs, ProgramWithAndWithoutOptions) {
    auto r = parse({"prog", "--port", "0x278"});  // options after PROGRAM belong to it
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.args.command_index, 1);
    EXPECT_FALSE(r.args.port.has_value());

    r = parse({"--port", "0x378", "--config", "/etc/x.conf", "--", "-prog", "a"});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.args.port, 0x378u);
    EXPECT_EQ(r.args.config, "/etc/x.conf");
    EXPECT_EQ(r.args.command_index, 6);

    r = parse({"--port=888", "--config=/c", "prog"});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.args.port, 888u);
    EXPECT_EQ(r.args.config, "/c");
    EXPECT_EQ(r.args.command_index, 3);
}

TEST(CliArgs, HelpAndVersionNeedNoProgram) {
    EXPECT_TRUE(parse({"--help"}).args.help);
    EXPECT_TRUE(parse({"-h"}).args.help);
    EXPECT_TRUE(parse({"--version"}).args.version);
}

TEST(CliArgs, UnknownOptionsAreRefused) {
    expect_error({"--frobnicate", "prog"}, "unknown option '--frobnicate'");
    expect_error({"-p", "0x378", "prog"}, "unknown option '-p'");
    expect_error({"--port-x=1", "prog"}, "unknown option '--port-x=1'");
    expect_error({"--Port", "0x378", "prog"}, "unknown option");
    expect_error({"-", "prog"}, "unknown option '-'");
    expect_error({"--help=yes"}, "unknown option");
    expect_error({"--\x1b]0;pwned\x07", "prog"}, "unknown option '--\\x1b]0;pwned\\x07'");
}

TEST(CliArgs, BadValuesAndRepeatsAreRefused) {
    expect_error({"--port"}, "--port needs a value");
    expect_error({"--port="}, "needs a non-empty value");
    expect_error({"--port", "", "prog"}, "needs a non-empty value");
    expect_error({"--port", "0x10000", "prog"}, "above 0xfffd");
    expect_error({"--port", "lpt1", "prog"}, "not a port number");
    expect_error({"--port", "1", "--port", "2", "prog"}, "--port given twice");
    expect_error({"--config", "/a", "--config=/b", "prog"}, "--config given twice");
    expect_error({"--config", std::string(5000, 'x').c_str(), "prog"}, "too long");
}

TEST(CliArgs, MissingProgramIsRefused) {
    expect_error({}, "no PROGRAM to run");
    expect_error({"--port", "0x378"}, "no PROGRAM to run");
    expect_error({"--"}, "no PROGRAM to run");
}

TEST(CliArgs, EmptyArgvIsRefused) {
    const char* none[] = {nullptr};
    EXPECT_FALSE(parse_cli(0, none).ok);
    EXPECT_FALSE(parse_cli(1, none).ok);
    EXPECT_NE(parse_cli(0, none).error.find("empty argument list"), std::string::npos);
}
