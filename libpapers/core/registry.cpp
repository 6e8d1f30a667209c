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
std::unique_ptr<Backend> make_hub_backend(const Config&, int*);
}  // namespace hub
namespace capers {
std::unique_ptr<Backend> make_capers_backend(const Config&, int*);
}
namespace shm {
std::unique_ptr<Backend> make_shm_backend(const Config&, int*);
}
namespace udp {
std::unique_ptr<Backend> make_udp_backend(const Config&, int*);
}
namespace mpi {
std::unique_ptr<Backend> make_mpi_backend(const Config&, int*);
}

namespace {

struct Entry {
    const char* name;
    Factory make;
    const char* what;
};

const Entry kBackends[] = {
    {"sim", hub::make_sim_backend, "hub engine on the Verilated hub (papers-hubsim)"},
    {"hub", hub::make_hub_backend, "hub engine on a real parallel port (PAPERS_PORT)"},
    {"capers", capers::make_capers_backend, "two PCs over a LapLink cable (real or virtual)"},
    {"shm", shm::make_shm_backend, "shared memory between processes on one host"},
    {"udp", udp::make_udp_backend, "UDP over Ethernet (Boost.Asio)"},
    {"mpi", mpi::make_mpi_backend, "MPI collectives (plugin libpapers_mpi.so)"},
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
