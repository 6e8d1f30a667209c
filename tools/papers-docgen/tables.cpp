// tables.cpp — a component with environment variables adds its table here
// (one include, one row); docs/environment.md then lists it.
#include "tables.hpp"

#include "libpapers/core/core_env.hpp"
#include "libpapers/hub/hub_env.hpp"
#include "libpapers/mpi/mpi_env.hpp"
#include "libpapers/shm/shm_env.hpp"
#include "libpapers/udp/udp_env.hpp"
#include "pmpi/pmpi_env.hpp"

namespace papers::docgen {

namespace {
constexpr const env::Table* kTables[] = {
    &core_env::kTable, &hub_env::kTable, &shm_env::kTable,
    &udp_env::kTable,  &mpi_env::kTable, &pmpi_env::kTable,
};
}  // namespace

std::span<const env::Table* const> env_tables() { return kTables; }

}  // namespace papers::docgen
