// tables.cpp — a component with environment variables adds its table here
// (one include, one row), a backend its algorithm tables; docs/environment.md
// and docs/algorithms.md then list them.
#include "tables.hpp"

#include "libpapers/core/core_env.hpp"
#include "libpapers/hub/hub_algorithms.hpp"
#include "libpapers/hub/hub_env.hpp"
#include "libpapers/mpi/mpi_algorithms.hpp"
#include "libpapers/mpi/mpi_env.hpp"
#include "libpapers/shm/shm_algorithms.hpp"
#include "libpapers/shm/shm_env.hpp"
#include "libpapers/udp/udp_algorithms.hpp"
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

std::vector<CollectiveDoc> algorithm_tables() {
    using H = hub::ReduceShape;
    const char* hub = "sim, hub, capers (the hub engine)";
    const char* exchanges = "hub exchanges, exact";
    const char* relative = "relative, lower wins";
    return {
        {hub, "reduce", exchanges, rows_of<hub::ReduceAlgo, H>(hub::kReduceAlgorithms)},
        {hub, "reduce_loc", exchanges, rows_of<hub::ReduceLocAlgo, H>(hub::kReduceLocAlgorithms)},
        {"shm", "barrier", relative,
         rows_of<shm::BarrierAlgo, shm::BarrierShape>(shm::kBarrierAlgorithms)},
        {"shm", "reduce", relative, rows_of<shm::ReduceAlgo, shm::ReduceShape>(shm::kReduceAlgorithms)},
        {"udp", "barrier (and the votes)", relative,
         rows_of<udp::BarrierAlgo, udp::BarrierShape>(udp::kBarrierAlgorithms)},
        {"udp", "reduce", relative, rows_of<udp::ReduceAlgo, udp::ReduceShape>(udp::kReduceAlgorithms)},
        {"udp", "putget", relative, rows_of<udp::PutgetAlgo, udp::PutgetShape>(udp::kPutgetAlgorithms)},
        {"mpi", "reduce", relative, rows_of<mpi::ReduceAlgo, mpi::ReduceShape>(mpi::kReduceAlgorithms)},
    };
}

}  // namespace papers::docgen
