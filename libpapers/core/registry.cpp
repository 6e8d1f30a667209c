// registry.cpp — the table of backends. Adding a transport = one factory
// declaration and one row here; nothing else in the core changes.
#include <cstring>
#include <string>

#include "backend.hpp"
#include "config.hpp"
#include "error.hpp"

namespace papers {

using Factory = std::unique_ptr<Backend> (*)(const Config&, int*);

namespace hub {
std::unique_ptr<Backend> make_sim_backend(const Config&, int*);
}

namespace {

struct Entry {
    const char* name;
    Factory make;
    const char* what;
};

const Entry kBackends[] = {
    {"sim", hub::make_sim_backend, "hub engine on the Verilated hub (papers-hubsim)"},
};

}  // namespace

std::unique_ptr<Backend> make_backend(const Config& cfg, int* code) {
    std::string known;
    for (const Entry& e : kBackends) {
        if (cfg.backend == e.name) return e.make(cfg, code);
        known += known.empty() ? e.name : std::string(", ") + e.name;
    }
    *code = set_error(PAPERS_EINVAL,
                      "unknown PAPERS_BACKEND '" + cfg.backend + "' (known: " + known + ")");
    return nullptr;
}

}  // namespace papers
