// registry.cpp — the table of backends. Adding a transport = one factory
// declaration and one row here; nothing else in the core changes. An
// optional backend's row exists when its option built it (PAPERS_WITH_*,
// set by its sources.cmake).
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
#if PAPERS_WITH_UDP
namespace udp {
std::unique_ptr<Backend> make_udp_backend(const Config&, int*);
}
#endif
#if PAPERS_WITH_MPI
namespace mpi {
std::unique_ptr<Backend> make_mpi_backend(const Config&, int*);
}
#endif

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
#if PAPERS_WITH_UDP
    {"udp", udp::make_udp_backend, "UDP over Ethernet (Boost.Asio)"},
#endif
#if PAPERS_WITH_MPI
    {"mpi", mpi::make_mpi_backend, "MPI collectives (plugin libpapers_mpi.so)"},
#endif
};

// Backends this build may have left out, and the option that builds them.
const char* const kOptional[][2] = {{"udp", "PAPERS_WITH_UDP"}, {"mpi", "PAPERS_WITH_MPI"}};

}  // namespace

std::unique_ptr<Backend> make_backend(const Config& cfg, int* code) {
    std::string known;
    for (const Entry& e : kBackends) {
        if (cfg.backend == e.name) return e.make(cfg, code);
        known += known.empty() ? e.name : std::string(", ") + e.name;
    }
    for (const auto& [name, option] : kOptional)
        if (cfg.backend == name) {
            *code = set_error(PAPERS_ENOTSUP, "the " + cfg.backend +
                                                  " backend is not built into this libpapers "
                                                  "(configure with -D" + option + "=ON; built: " +
                                                  known + ")");
            return nullptr;
        }
    *code = set_error(PAPERS_EINVAL,
                      "unknown PAPERS_BACKEND '" + cfg.backend + "' (known: " + known + ")");
    return nullptr;
}

}  // namespace papers
