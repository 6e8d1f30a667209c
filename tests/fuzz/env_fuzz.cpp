// env_fuzz — the PAPERS_* environment: the one strict reader every
// component uses (libpapers/core/env_vars.hpp) over every declared table,
// PAPERS_ALGORITHMS, and (with udp) PAPERS_UDP_FAULTS and PAPERS_HOSTS.
// The input is cut at NUL bytes into the values of the variables in turn.
// Invariants: a value the reader accepts is within the variable's declared
// bounds (integers in [min, max], seconds finite in (min, max], a choice
// one of its words, a flag a known word); a rejected value leaves an error
// naming the variable; nothing else escapes (ASan/UBSan watch).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libpapers/core/algo_table.hpp"
#include "libpapers/core/core_env.hpp"
#include "libpapers/dipc/dipc_env.hpp"
#include "libpapers/hub/hub_env.hpp"
#include "libpapers/mpi/mpi_env.hpp"
#include "libpapers/shm/shm_env.hpp"
#include "pmpi/pmpi_env.hpp"
#ifdef FUZZ_WITH_UDP
#include "libpapers/udp/fault_injector.hpp"
#include "libpapers/udp/peers.hpp"
#include "libpapers/udp/udp_env.hpp"
#endif

using namespace papers;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

// The environment the Reader sees: filled per input.
std::map<std::string, std::string>& values() {
    static std::map<std::string, std::string> v;
    return v;
}
const char* fuzz_lookup(const char* name) {
    const auto it = values().find(name);
    return it == values().end() ? nullptr : it->second.c_str();
}

bool in_choices(std::string_view word, const char* choices) {
    std::string_view all = choices;
    while (true) {
        const auto bar = all.find('|');
        if (all.substr(0, bar) == word) return true;
        if (bar == std::string_view::npos) return false;
        all.remove_prefix(bar + 1);
    }
}

void read_table(const env::Table& table) {
    for (const env::Var* v : table.vars) {
        env::Reader in(table, fuzz_lookup);
        const bool set = in.is_set(*v);
        switch (v->kind) {
            case env::Kind::integer: {
                const std::int64_t n = in.integer(*v, -12345);
                if (in.ok() && set) require(n >= v->min && n <= v->max);
                break;
            }
            case env::Kind::seconds: {
                const double s = in.seconds(*v, -1.0);
                if (in.ok() && set) require(std::isfinite(s) && s > v->min_s && s <= v->max_s);
                break;
            }
            case env::Kind::choice: {
                const std::string_view w = in.choice(*v, "fallback-word");
                if (in.ok() && set) require(in_choices(w, v->choices));
                break;
            }
            case env::Kind::flag: (void)in.flag(*v, false); break;
            case env::Kind::text: (void)in.text(*v); break;
        }
        if (!in.ok()) {
            require(set);
            require(in.error().find(v->name) != std::string::npos);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const env::Table* const tables[] = {
        &core_env::kTable, &hub_env::kTable, &shm_env::kTable, &mpi_env::kTable,
        &pmpi_env::kTable, &dipc_env::kTable,
#ifdef FUZZ_WITH_UDP
        &udp_env::kTable,
#endif
    };
    std::vector<std::string> chunks;
    const char* p = reinterpret_cast<const char*>(data);
    for (std::size_t i = 0, start = 0; i <= size; ++i)
        if (i == size || p[i] == '\0') {
            chunks.emplace_back(p + start, i - start);
            start = i + 1;
        }
    values().clear();
    std::size_t k = 0;
    for (const env::Table* t : tables)
        for (const env::Var* v : t->vars) values()[v->name] = chunks[k++ % chunks.size()];
    for (const env::Table* t : tables) read_table(*t);

    const std::string whole(p, size);
    algo::Overrides overrides;
    std::string err;
    if (!algo::parse_overrides(whole, overrides, err)) require(!err.empty());
#ifdef FUZZ_WITH_UDP
    udp::FaultSpec faults;
    if (udp::parse_fault_spec(whole, faults, err)) {
        for (const double x : {faults.drop, faults.dup, faults.delay, faults.reorder})
            require(x >= 0 && x <= 0.9);
        require(faults.delay_ms >= 0 && faults.delay_ms <= 1000);
    }
    std::vector<udp::HostEntry> hosts;
    const int n = size ? 1 + data[0] % 8 : 1;
    if (udp::parse_host_list(whole, n, hosts, err)) {
        require(hosts.size() == std::size_t(n));
        for (const auto& h : hosts) require(!h.host.empty() && h.port > 0 && h.port < 65536);
    }
#endif
    return 0;
}
