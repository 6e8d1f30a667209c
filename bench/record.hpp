// record.hpp — the JSON record every benchmark rank prints, and the report.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace papers::bench {

struct Record {
    std::string backend, impl, op;
    int np = 0;
    long long bytes = 0, iters = 0;
    double median_us = 0, p99_us = 0, port_reads = 0, port_writes = 0, hub_ops = 0;
    // Set by combine_trials (trials.hpp): the median and range of per-trial
    // ratios to the reference; 0 = compute median_us / reference median.
    int trials = 1;
    double ratio = 0, ratio_lo = 0, ratio_hi = 0;
};

// The "key":value pairs of one flat JSON object line (values as text;
// empty when the line holds none).
std::map<std::string, std::string> parse_json_fields(const std::string& line);
// Parses one flat JSON object line as printed by the workers.
bool parse_record(const std::string& line, Record& r);
// The record of `refs` for the same operation and size as r, or nullptr.
const Record* matching(const std::vector<Record>& refs, const Record& r);
// r's ratio to its reference: the combined one when set, else of medians.
double ratio_of(const Record& r, const Record& ref);
std::string to_json(const Record& r, const Record* ref);
void print_report(const std::vector<Record>& recs, const std::vector<Record>& ref, bool json);

}  // namespace papers::bench
