// launch_config_test.cpp — papers-dipcd's command line and configuration
// file (tools/papers-dipcd/config_table.cpp), in process: every option
// reaches its DaemonConfig field, bad values are refused naming the option,
// --print-config reads back to the same configuration, and docs/dipc.md's
// generated block is the table's reference.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "config_table.hpp"
#include "key_file.hpp"

using namespace papers::dipcd;

namespace {

std::string temp_path(const std::string& name) {
    return testing::TempDir() + "launch_config_" + std::to_string(getpid()) + "_" + name;
}

std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = temp_path(name);
    std::ofstream(path) << text;
    return path;
}

// The limits in proto::Limits::fields order, as plain numbers.
std::vector<std::uint64_t> limit_values(const DaemonConfig& c) {
    struct Collect {
        std::vector<std::uint64_t> v;
        void operator()(std::uint32_t x) { v.push_back(x); }
        void operator()(std::uint64_t x) { v.push_back(x); }
    } collect;
    auto limits = c.limits;
    limits.fields(collect);
    return collect.v;
}

void expect_same(const DaemonConfig& a, const DaemonConfig& b) {
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.listen.address, b.listen.address);
    EXPECT_EQ(a.listen.port, b.listen.port);
    EXPECT_EQ(a.serve_referee, b.serve_referee);
    EXPECT_EQ(a.referee.address, b.referee.address);
    EXPECT_EQ(a.referee.port, b.referee.port);
    EXPECT_EQ(a.socket_path, b.socket_path);
    EXPECT_EQ(a.allow, b.allow);
    EXPECT_EQ(a.key_file, b.key_file);
    EXPECT_EQ(a.heartbeat_ms, b.heartbeat_ms);
    EXPECT_EQ(a.peer_timeout_ms, b.peer_timeout_ms);
    EXPECT_EQ(limit_values(a), limit_values(b));
    EXPECT_EQ(a.log_file, b.log_file);
    EXPECT_EQ(a.verbose, b.verbose);
}

// The error message of parsing `args`, or "" when it parsed.
std::string parse_error(const std::vector<std::string>& args) {
    try {
        parse_invocation(args);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(LaunchConfig, EveryFlagReachesItsField) {
    const Invocation inv = parse_invocation(
        {"--name", "node7", "--listen", "10.1.2.3:7000", "--referee", "[fd00::1]:7001", "--socket", "/tmp/x.sock",
         "--allow", "10.0.0.0/8,node2", "--allow", "fd00::/64", "--key-file", "/k", "--heartbeat-ms", "100",
         "--peer-timeout-ms", "900", "--log", "/tmp/d.log", "--ready-fd", "7", "-v", "--serve-referee"});
    const DaemonConfig& c = inv.config;
    EXPECT_EQ(inv.action, Action::serve);
    EXPECT_EQ(c.name, "node7");
    EXPECT_EQ(c.listen.address, "10.1.2.3");
    EXPECT_EQ(c.listen.port, 7000);
    EXPECT_EQ(c.referee.address, "fd00::1");
    EXPECT_EQ(c.referee.port, 7001);
    EXPECT_EQ(c.socket_path, "/tmp/x.sock");
    EXPECT_EQ(c.allow, (std::vector<std::string>{"10.0.0.0/8", "node2", "fd00::/64"}));
    EXPECT_EQ(c.key_file, "/k");
    EXPECT_EQ(c.heartbeat_ms, 100u);
    EXPECT_EQ(c.peer_timeout_ms, 900u);
    EXPECT_EQ(c.log_file, "/tmp/d.log");
    EXPECT_EQ(c.ready_fd, 7);
    EXPECT_TRUE(c.verbose);
    EXPECT_TRUE(c.serve_referee);
}

TEST(LaunchConfig, DefaultsWhenNothingIsGiven) {
    const DaemonConfig c = parse_invocation({}).config;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    EXPECT_EQ(c.name, host);
    EXPECT_EQ(c.listen.address, "0.0.0.0");
    EXPECT_EQ(c.listen.port, 7751);
    EXPECT_TRUE(c.referee.address.empty());
    EXPECT_FALSE(c.serve_referee);
    EXPECT_EQ(c.heartbeat_ms, 250u);
    EXPECT_EQ(c.peer_timeout_ms, 2000u);
    EXPECT_EQ(c.ready_fd, -1);
    EXPECT_EQ(limit_values(c), limit_values(DaemonConfig{}));
    if (geteuid() == 0) {
        EXPECT_EQ(c.socket_path, "/run/papers-dipc/dipcd.sock");
        EXPECT_EQ(c.key_file, "/etc/papers-dipc/cluster.key");
    } else if (const char* run = getenv("XDG_RUNTIME_DIR")) {
        EXPECT_EQ(c.socket_path, std::string(run) + "/papers-dipc/dipcd.sock");
    }
}

// Every proto::Limits field has its own flag, in the referee's bounds.
TEST(LaunchConfig, EveryLimitHasItsOwnFlag) {
    const std::vector<std::string> keys{"semmsl", "semmns", "semopm", "semvmx", "semaem",
                                        "semmni", "semume", "semmnu", "msgmax", "msgmnb",
                                        "msgmni", "shmmax", "shmmin", "shmmni", "shmall",
                                        "dsm-whole-segment", "dsm-min-residency-us"};
    const auto defaults = limit_values(DaemonConfig{});
    ASSERT_EQ(keys.size(), defaults.size()) << "proto::Limits changed: add its flag to config_table.cpp";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        // The DSM switches take 0 (their default is 0): set them to 1 instead.
        const bool dsm = keys[i].rfind("dsm-", 0) == 0;
        const std::uint64_t v = dsm ? 1 : 7;
        auto want = defaults;
        want[i] = v;
        const auto got =
            limit_values(parse_invocation({"--serve-referee", "--" + keys[i], std::to_string(v)}).config);
        EXPECT_EQ(got, want) << "--" << keys[i];
        if (!dsm) {
            EXPECT_NE(parse_error({"--" + keys[i], "0"}).find("--" + keys[i] + ": 0 is out of range"),
                      std::string::npos)
                << keys[i];
        }
    }
    EXPECT_NE(parse_error({"--dsm-whole-segment", "2"}).find("out of range (0..1)"), std::string::npos);
    EXPECT_NE(parse_error({"--semmni", "769"}).find("out of range (1..768)"), std::string::npos);
    EXPECT_NE(parse_error({"--semvmx", "32768"}).find("out of range (1..32767)"), std::string::npos);
    EXPECT_EQ(parse_error({"--semvmx", "32767"}), "");
}

TEST(LaunchConfig, LimitsOnANonRefereeAreAWarning) {
    const Invocation inv = parse_invocation({"--semopm", "10", "--msgmax", "100"});
    ASSERT_EQ(inv.warnings.size(), 1u);
    EXPECT_NE(inv.warnings[0].find("--semopm, --msgmax ignored"), std::string::npos) << inv.warnings[0];
    EXPECT_TRUE(parse_invocation({"--serve-referee", "--semopm", "10"}).warnings.empty());
}

TEST(LaunchConfig, BadValuesNameTheOptionAndTheProblem) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--listen", "1.2.3:80"}, "--listen '1.2.3:80': '1.2.3' is not an IPv4 address"},
        {{"--listen", "10.0.0.1:70000"}, "--listen '10.0.0.1:70000': port 70000 is out of range (0..65535)"},
        {{"--listen", "10.0.0.1:"}, "--listen '10.0.0.1:': port '' is not a whole number"},
        {{"--listen", "fd00::1:80:zz"}, "an IPv6 address with a port is written [ADDR]:PORT"},
        {{"--referee", "10.0.0.1:0"}, "--referee '10.0.0.1:0': port 0 is out of range (1..65535)"},
        {{"--referee", "no_such host:5"}, "--referee 'no_such host:5': 'no_such host' is neither an IP address nor a host name"},
        {{"--allow", "10.0.0.1/24"}, "--allow: '10.0.0.1/24': bits beyond the /24 prefix are set"},
        {{"--allow", "10.0.0.0/33"}, "--allow: '10.0.0.0/33': the prefix length 33 is out of range (0..32)"},
        {{"--allow", "node_1"}, "--allow: 'node_1' is neither an IP address nor a host name"},
        {{"--name", "a b"}, "--name: 'a b' contains a space"},
        {{"--heartbeat-ms", "5"}, "--heartbeat-ms: 5 is out of range (10..60000)"},
        {{"--heartbeat-ms", "2000", "--peer-timeout-ms", "3000"},
         "--peer-timeout-ms 3000: must be at least twice --heartbeat-ms 2000"},
        {{"--semopm", "-1"}, "--semopm: '-1' is not a whole number"},
        {{"--semopm", "99999999999999999999999"}, "--semopm: 99999999999999999999999 is out of range"},
        {{"--bogus"}, "The following argument was not expected: --bogus"},
        {{"--reference"}, "--reference requires --print-config"},
        {{"--config", "/nonexistent/dipcd.conf"}, "--config: /nonexistent/dipcd.conf was not readable"},
    };
    for (const auto& [args, want] : cases) {
        const std::string got = parse_error(args);
        EXPECT_NE(got.find(want), std::string::npos) << "args " << args[0] << "...\n got: " << got << "\nwant: " << want;
    }
}

TEST(LaunchConfig, ConfigFileKeysAreTheFlagsAndFlagsWin) {
    const std::string file = write_temp("a.conf",
                                        "# a comment\n"
                                        "name = \"from-file\"\n"
                                        "listen = \"10.0.0.5:7100\"\n"
                                        "referee = \"10.0.0.1:7751\"\n"
                                        "allow = [\"10.0.0.0/24\", \"node9\"]\n"
                                        "heartbeat-ms = 300\n"
                                        "semopm = 64\n"
                                        "verbose = true\n");
    const DaemonConfig c = parse_invocation({"--config", file, "--heartbeat-ms", "400"}).config;
    EXPECT_EQ(c.name, "from-file");
    EXPECT_EQ(c.listen.address, "10.0.0.5");
    EXPECT_EQ(c.listen.port, 7100);
    EXPECT_EQ(c.referee.address, "10.0.0.1");
    EXPECT_EQ(c.allow, (std::vector<std::string>{"10.0.0.0/24", "node9"}));
    EXPECT_EQ(c.heartbeat_ms, 400u) << "the command line wins over the file";
    EXPECT_EQ(c.limits.semopm, 64u);
    EXPECT_TRUE(c.verbose);
    std::remove(file.c_str());
}

TEST(LaunchConfig, ConfigFileErrorsNameTheKey) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"nmae = \"x\"\n", "--config: unknown key 'nmae'"},
        {"[limits]\nsemopm = 3\n", "--config: unknown key 'limits"},
        {"ready-fd = 3\n", "ready-fd: This option is not allowed in a configuration file"},
        {"semopm = 0\n", "--semopm: 0 is out of range"},
        {"listen = \"10.0.0.300:1\"\n", "--listen '10.0.0.300:1': '10.0.0.300' is not an IPv4 address"},
        {"serve-referee = maybe\n", "serve-referee"},
    };
    for (const auto& [text, want] : cases) {
        const std::string file = write_temp("bad.conf", text);
        const std::string got = parse_error({"--config", file});
        EXPECT_NE(got.find(want), std::string::npos) << text << " got: " << got;
        std::remove(file.c_str());
    }
}

// --print-config, read back with --config, is the same configuration and
// prints the same text again.
TEST(LaunchConfig, PrintConfigReadsBackToTheSameConfiguration) {
    const std::vector<std::vector<std::string>> configs{
        {},
        {"--serve-referee", "--socket", "", "--listen", "127.0.0.1:0", "--semopm", "8", "--shmmax", "4096"},
        {"--name", "n1", "--referee", "[fd00::7]:9", "--listen", "[::]:0", "--allow", "10.0.0.0/8,n2,fd00::/64",
         "--socket", "/run/x/it's.sock", "--log", "/var/log/d.log", "-v", "--peer-timeout-ms", "60000"},
        {"--referee", "referee.lab.", "--key-file", "/etc/k \"quoted\""},
    };
    for (const auto& args : configs) {
        const DaemonConfig first = parse_invocation(args).config;
        const std::string text = config_file_text(first);
        const std::string file = write_temp("round.conf", text);
        const DaemonConfig second = parse_invocation({"--config", file}).config;
        SCOPED_TRACE(text);
        expect_same(first, second);
        EXPECT_EQ(config_file_text(second), text);
        std::remove(file.c_str());
    }
}

TEST(LaunchConfig, PrintConfigRefusesWhatAFileCannotHold) {
    DaemonConfig c = parse_invocation({}).config;
    c.log_file = "/tmp/a#b";
    try {
        config_file_text(c);
        FAIL() << "a '#' was written";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("--log: '/tmp/a#b' contains '#'"), std::string::npos) << e.what();
    }
}

// The reference's commented values are the real defaults: uncommented,
// they parse to the defaults.
TEST(LaunchConfig, ReferenceValuesAreTheDefaults) {
    std::istringstream in(reference_text());
    std::string uncommented, line;
    int values = 0;
    while (std::getline(in, line))
        if (line.size() > 1 && line[0] == '#' && line[1] != ' ' && line.back() != '=') {
            uncommented += line.substr(1) + "\n";
            ++values;
        }
    EXPECT_GE(values, 20);
    const std::string file = write_temp("ref.conf", uncommented);
    const Invocation from_file = parse_invocation({"--config", file});
    expect_same(from_file.config, parse_invocation({}).config);
    std::remove(file.c_str());
    EXPECT_EQ(reference_text(), reference_text());
    EXPECT_EQ(reference_text().find(std::to_string(getpid())), std::string::npos);
}

TEST(LaunchConfig, DocsBlockIsTheGeneratedReference) {
    std::ifstream in(DOCS_DIPC_MD);
    ASSERT_TRUE(in) << DOCS_DIPC_MD;
    std::stringstream s;
    s << in.rdbuf();
    const std::string doc = s.str();
    const std::string open = "<!-- papers-dipcd config: generated -->\n```ini\n", close = "```\n<!-- end -->";
    const auto a = doc.find(open);
    ASSERT_NE(a, std::string::npos) << "docs/dipc.md lacks the generated block";
    const auto b = doc.find(close, a);
    ASSERT_NE(b, std::string::npos);
    EXPECT_EQ(doc.substr(a + open.size(), b - a - open.size()), reference_text())
        << "docs/dipc.md's generated block is stale: cmake --build build --target update-dipc-docs";
}

// ---- check_for_serving -------------------------------------------------------

class LaunchServingChecks : public testing::Test {
protected:
    void SetUp() override {
        key_ = temp_path("cluster.key");
        std::remove(key_.c_str());
        write_new_key_file(key_);
    }
    void TearDown() override { std::remove(key_.c_str()); }

    std::string check(const std::vector<std::string>& extra, std::vector<std::string>* warnings = nullptr) {
        std::vector<std::string> args{"--key-file", key_, "--socket", "/tmp/s.sock", "--referee", "10.0.0.1:7751"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<std::string> w;
        try {
            check_for_serving(parse_invocation(args).config, warnings ? *warnings : w);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }
    std::string key_;
};

TEST_F(LaunchServingChecks, AGoodConfigurationPasses) {
    std::vector<std::string> warnings;
    EXPECT_EQ(check({"--allow", "10.0.0.0/24"}, &warnings), "");
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(check({}, &warnings), "");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("--allow is empty"), std::string::npos);
}

TEST_F(LaunchServingChecks, RefereeAndSocketRequirements) {
    std::vector<std::string> w;
    std::string got;
    try {
        check_for_serving(parse_invocation({"--key-file", key_, "--socket", "/tmp/s.sock"}).config, w);
    } catch (const ConfigError& e) {
        got = e.what();
    }
    EXPECT_NE(got.find("--referee ADDR:PORT is missing"), std::string::npos) << got;
    EXPECT_NE(check({"--socket", ""}).find("--socket: empty, but only a daemon serving the referee"),
              std::string::npos);
    EXPECT_EQ(check({"--socket", "", "--serve-referee"}), "");
    EXPECT_NE(check({"--socket", "/tmp/" + std::string(120, 's')}).find("a Unix socket path has at most 107"),
              std::string::npos);
}

TEST_F(LaunchServingChecks, KeyFileMustExistBePrivateAndWellFormed) {
    EXPECT_NE(check({"--key-file", "/nonexistent/k"}).find("--key-file /nonexistent/k: does not exist"),
              std::string::npos);
    chmod(key_.c_str(), 0640);
    EXPECT_NE(check({}).find("mode 0640 lets group or others read it"), std::string::npos);
    chmod(key_.c_str(), 0600);
    std::ofstream(key_) << "not a key\n";
    EXPECT_NE(check({}).find("holds neither 32 raw bytes nor 64 hex digits"), std::string::npos);
    std::ofstream(key_) << std::string(32, '\x07');  // 32 raw bytes
    EXPECT_EQ(check({}), "");
    std::ofstream(key_) << std::string(64, 'a');  // 64 hex digits, no newline
    EXPECT_EQ(check({}), "");
}

TEST_F(LaunchServingChecks, LogDirectoryAndReadyFd) {
    EXPECT_NE(check({"--log", "/nonexistent/dir/d.log"}).find("the directory /nonexistent/dir does not exist"),
              std::string::npos);
    EXPECT_NE(check({"--ready-fd", "987"}).find("--ready-fd 987: not an open file descriptor"), std::string::npos);
    EXPECT_EQ(check({"--ready-fd", "2"}), "");
}

TEST(LaunchKeyFile, WritesSixtyFourHexDigitsPrivatelyAndNeverOverwrites) {
    const std::string path = temp_path("gen.key");
    std::remove(path.c_str());
    write_new_key_file(path);
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(text.size(), 65u);
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), 64u);
    EXPECT_EQ(key_file_problem(path), "");
    try {
        write_new_key_file(path);
        FAIL() << "overwrote " << path;
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
    }
    std::ifstream again(path);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()), text);
    const std::string other = temp_path("gen2.key");
    std::remove(other.c_str());
    write_new_key_file(other);
    std::ifstream in2(other);
    EXPECT_NE(std::string((std::istreambuf_iterator<char>(in2)), std::istreambuf_iterator<char>()), text);
    std::remove(path.c_str());
    std::remove(other.c_str());
}
