// papersrun --trace on a real job (4 PEs on the Verilated hub): the waveform declares its
// real time unit, names every PE's calls, and its exchanges and port accesses agree with the
// library's own counters (papers_stats, printed by trace_ops) and with the hub's pins.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "vcd_reader.hpp"

namespace fs = std::filesystem;
using trace_test::ascii;
using trace_test::number;

namespace {

constexpr int kPes = 4;

struct JobRun {
    int status = -1;
    std::string out, err;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class TraceTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("papers_trace_" + std::to_string(getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(dir_);
    }
    JobRun papersrun(const std::string& trace) {
        const std::string cmd = std::string(PAPERSRUN_EXE) + " -np " + std::to_string(kPes) +
                                " --job-timeout 60 --trace " + trace + " " + TRACE_OPS_EXE + " > " +
                                (dir_ / "out").string() + " 2> " + (dir_ / "err").string();
        JobRun r;
        r.status = std::system(cmd.c_str());
        r.out = slurp(dir_ / "out");
        r.err = slurp(dir_ / "err");
        return r;
    }
    fs::path dir_;
};

// "rank R call NAME hub_ops H writes W" -> counters[R][NAME] = {H, W}
std::map<int, std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>> counters(const std::string& out) {
    std::map<int, std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>> c;
    const std::regex line(R"(rank (\d+) call (\w+) hub_ops (\d+) writes (\d+))");
    for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it)
        c[std::stoi((*it)[1])][(*it)[2]] = {std::stoull((*it)[3]), std::stoull((*it)[4])};
    return c;
}

struct Call {
    std::string label;
    std::uint64_t begin, end;  // [begin, end)
};

std::vector<Call> calls_of(const trace_test::Vcd& vcd, int pe) {
    std::vector<Call> calls;
    const auto& changes = vcd.signals.at("papers.pe" + std::to_string(pe) + ".call");
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const std::string label = ascii(changes[i].value);
        if (!calls.empty() && calls.back().end == UINT64_MAX) calls.back().end = changes[i].time;
        if (!label.empty()) calls.push_back({label, changes[i].time, UINT64_MAX});
    }
    return calls;
}

std::size_t count_in(const std::vector<trace_test::Change>& v, std::uint64_t b, std::uint64_t e) {
    std::size_t n = 0;
    for (const auto& c : v) n += c.time >= b && c.time < e;
    return n;
}

// The read that sees the answer is stamped with the clock G moved on, which may also be the
// clock the call ends on: it belongs to (begin, end].
std::size_t count_answers(const std::vector<trace_test::Change>& v, std::uint64_t b, std::uint64_t e) {
    std::size_t n = 0;
    for (const auto& c : v) n += c.time > b && c.time <= e;
    return n;
}

void check_waveform(const trace_test::Vcd& vcd, const std::string& out) {
    ASSERT_TRUE(vcd.ok) << vcd.error;
    // The model's unit: 1 ns, the hub clock 20 ns (a "1s" here made runs look hours long).
    EXPECT_EQ(vcd.timescale, "1ns");
    const auto lib = counters(out);
    ASSERT_EQ(lib.size(), static_cast<std::size_t>(kPes)) << out;
    const std::map<std::string, std::string> label_of = {
        {"barrier", "barrier"}, {"reduce", "reduce int32 sum"}, {"bcast", "bcast from 2"}};
    for (int pe = 0; pe < kPes; ++pe) {
        SCOPED_TRACE("PE " + std::to_string(pe));
        const std::string p = "papers.pe" + std::to_string(pe) + ".";
        const std::vector<Call> calls = calls_of(vcd, pe);
        std::vector<std::string> labels;
        for (const auto& c : calls) labels.push_back(c.label);
        EXPECT_EQ(labels, (std::vector<std::string>{"census", "barrier", "reduce int32 sum",
                                                    "bcast from 2", "finalize"}));
        const auto& writes = vcd.signals.at(p + "data_write");
        const auto& answers = vcd.signals.at(p + "status_read");
        for (const auto& [name, hw] : lib.at(pe)) {
            const auto call = std::find_if(calls.begin(), calls.end(),
                                           [&](const Call& c) { return c.label == label_of.at(name); });
            ASSERT_NE(call, calls.end()) << name;
            // One DATA write and one answering STATUS read per exchange, as the port counted.
            EXPECT_EQ(count_in(writes, call->begin, call->end), hw.first) << name;
            EXPECT_EQ(count_in(writes, call->begin, call->end), hw.second) << name;
            EXPECT_EQ(count_answers(answers, call->begin, call->end), hw.first) << name;
            std::uint64_t last_exchange = 0;
            for (const auto& c : vcd.signals.at(p + "exchange"))
                if (c.time >= call->begin && c.time < call->end) last_exchange = number(c.value);
            EXPECT_EQ(last_exchange, hw.first) << name << ": exchanges numbered 1..hub_ops";
        }
        // Each noted DATA write is this PE's strobe moving on the hub's pins, before its next one
        // (spec §5: every request toggles S).
        const auto& strobe = vcd.signals.at(p + "s");
        for (std::size_t i = 0; i < writes.size(); ++i) {
            const std::uint64_t next = i + 1 < writes.size() ? writes[i + 1].time : UINT64_MAX;
            EXPECT_GE(count_in(strobe, writes[i].time, next), 1U) << "write at " << writes[i].time;
        }
    }
}

}  // namespace

TEST_F(TraceTest, VcdNamesEveryCallAndAgreesWithThePorts) {
    const fs::path vcd = dir_ / "hub.vcd";
    const JobRun r = papersrun(vcd.string());
    ASSERT_EQ(r.status, 0) << r.err;
    check_waveform(trace_test::read_vcd(vcd.string()), r.out);
    // No scratch left next to it.
    for (const auto& e : fs::directory_iterator(dir_))
        EXPECT_EQ(e.path().string().find(".papers-"), std::string::npos) << e.path();
}

TEST_F(TraceTest, SaveFileNamesOnlySignalsOfTheVcd) {
    const fs::path vcd = dir_ / "hub.vcd";
    ASSERT_EQ(papersrun(vcd.string()).status, 0);
    const std::string gtkw = slurp(dir_ / "hub.gtkw");
    ASSERT_FALSE(gtkw.empty()) << "no hub.gtkw next to hub.vcd";
    EXPECT_NE(gtkw.find("[dumpfile] \"" + fs::absolute(vcd).string() + "\""), std::string::npos) << gtkw;
    const auto wave = trace_test::read_vcd(vcd.string());
    ASSERT_TRUE(wave.ok) << wave.error;
    std::istringstream lines(gtkw);
    int named = 0;
    std::string first;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || std::string("@-[*").find(line[0]) != std::string::npos) continue;
        const std::string name = line.substr(0, line.find('['));
        EXPECT_TRUE(wave.signals.count(name) || wave.widths.count(name)) << name;
        if (first.empty()) first = name;
        ++named;
    }
    EXPECT_GE(named, kPes * 6 + 2);
    EXPECT_EQ(first, "papers.pe0.call") << "the annotations come first";
}

TEST_F(TraceTest, FstIsTheSameWaveform) {
    if (std::system("command -v vcd2fst >/dev/null && command -v fst2vcd >/dev/null") != 0)
        GTEST_SKIP() << "vcd2fst/fst2vcd (Debian package gtkwave) not installed";
    const fs::path fst = dir_ / "hub.fst";
    const JobRun r = papersrun(fst.string());
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(fs::exists(dir_ / "hub.gtkw"));
    const fs::path back = dir_ / "back.vcd";
    ASSERT_EQ(std::system(("fst2vcd " + fst.string() + " > " + back.string()).c_str()), 0);
    check_waveform(trace_test::read_vcd(back.string()), r.out);
}
