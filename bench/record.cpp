#include "record.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

namespace papers::bench {

std::map<std::string, std::string> parse_json_fields(const std::string& line) {
    std::map<std::string, std::string> kv;
    const auto open = line.find('{'), close = line.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open) return kv;
    std::size_t i = open + 1;
    while (i < close) {
        const auto k0 = line.find('"', i);
        if (k0 == std::string::npos || k0 >= close) break;
        const auto k1 = line.find('"', k0 + 1);
        const auto colon = line.find(':', k1);
        if (k1 == std::string::npos || colon == std::string::npos) return {};
        std::size_t v0 = colon + 1, v1;
        std::string value;
        if (line[v0] == '"') {
            v1 = line.find('"', v0 + 1);
            value = line.substr(v0 + 1, v1 - v0 - 1);
            ++v1;
        } else {
            v1 = line.find_first_of(",}", v0);
            value = line.substr(v0, v1 - v0);
        }
        kv[line.substr(k0 + 1, k1 - k0 - 1)] = value;
        i = v1 + 1;
    }
    return kv;
}

bool parse_record(const std::string& line, Record& r) {
    auto kv = parse_json_fields(line);
    if (!kv.count("op") || !kv.count("median_us")) return false;
    auto num = [&](const char* k) { return kv.count(k) ? std::atof(kv[k].c_str()) : 0.0; };
    r.backend = kv["backend"];
    r.impl = kv["impl"];
    r.op = kv["op"];
    r.np = static_cast<int>(num("np"));
    r.bytes = static_cast<long long>(num("bytes"));
    r.iters = static_cast<long long>(num("iters"));
    r.median_us = num("median_us");
    r.p99_us = num("p99_us");
    r.port_reads = num("port_reads");
    r.port_writes = num("port_writes");
    r.hub_ops = num("hub_ops");
    return true;
}

const Record* matching(const std::vector<Record>& refs, const Record& r) {
    for (const Record& x : refs)
        if (x.op == r.op && x.bytes == r.bytes) return &x;
    return nullptr;
}

double ratio_of(const Record& r, const Record& ref) {
    return r.ratio > 0 ? r.ratio : r.median_us / ref.median_us;
}

std::string to_json(const Record& r, const Record* ref) {
    char buf[640];
    std::snprintf(buf, sizeof buf,
                  "{\"backend\":\"%s\",\"impl\":\"%s\",\"op\":\"%s\",\"np\":%d,\"bytes\":%lld,"
                  "\"iters\":%lld,\"median_us\":%.3f,\"p99_us\":%.3f,\"port_reads\":%.2f,"
                  "\"port_writes\":%.2f,\"hub_ops\":%.2f",
                  r.backend.c_str(), r.impl.c_str(), r.op.c_str(), r.np, r.bytes, r.iters,
                  r.median_us, r.p99_us, r.port_reads, r.port_writes, r.hub_ops);
    std::string s = buf;
    if (r.trials > 1) {
        std::snprintf(buf, sizeof buf, ",\"trials\":%d", r.trials);
        s += buf;
    }
    if (ref && ref->median_us > 0) {
        std::snprintf(buf, sizeof buf, ",\"ref\":\"%s\",\"ref_median_us\":%.3f,\"ratio\":%.3f",
                      ref->impl.c_str(), ref->median_us, ratio_of(r, *ref));
        s += buf;
        if (r.ratio > 0) {
            std::snprintf(buf, sizeof buf, ",\"ratio_min\":%.3f,\"ratio_max\":%.3f", r.ratio_lo,
                          r.ratio_hi);
            s += buf;
        }
    }
    return s + "}";
}

void print_report(const std::vector<Record>& recs, const std::vector<Record>& ref, bool json) {
    if (json) {
        for (const Record& r : recs) std::cout << to_json(r, matching(ref, r)) << "\n";
        for (const Record& r : ref) std::cout << to_json(r, nullptr) << "\n";
        return;
    }
    std::printf("%-17s %-8s %3s %7s %11s %11s %9s %9s %12s %7s\n", "op", "backend", "np", "bytes",
                "median_us", "p99_us", "reads/op", "writes/op", "ref_median", "ratio");
    for (const Record& r : recs) {
        const Record* x = matching(ref, r);
        std::printf("%-17s %-8s %3d %7lld %11.3f %11.3f %9.2f %9.2f", r.op.c_str(),
                    r.backend.c_str(), r.np, r.bytes, r.median_us, r.p99_us, r.port_reads,
                    r.port_writes);
        if (x && r.ratio > 0)
            std::printf(" %12.3f %7.3f (%.3f-%.3f)\n", x->median_us, r.ratio, r.ratio_lo, r.ratio_hi);
        else if (x)
            std::printf(" %12.3f %7.3f\n", x->median_us, ratio_of(r, *x));
        else
            std::printf(" %12s %7s\n", "-", "-");
    }
    if (!ref.empty()) {
        std::printf("reference: %s, same invocation", ref.front().impl.c_str());
        if (!recs.empty() && recs.front().trials > 1)
            std::printf("; %d alternating trials: medians over trials, ratio = median (range) of the "
                        "per-trial ratios",
                        recs.front().trials);
        std::printf("\n");
    }
}

}  // namespace papers::bench
