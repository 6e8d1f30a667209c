// pmpi_init.cpp — MPI_Init, MPI_Init_thread and MPI_Finalize: MPI first,
// then the papers session (start-up); the papers session first, then MPI
// (shut-down).
#include "pmpi_state.hpp"

#define PAPERS_PMPI_EXPORT extern "C" __attribute__((visibility("default")))

using namespace papers::pmpi;

PAPERS_PMPI_EXPORT int MPI_Init(int* argc, char*** argv) {
    const int rc = PMPI_Init(argc, argv);
    if (rc == MPI_SUCCESS) start_session(MPI_THREAD_SINGLE);
    return rc;
}

PAPERS_PMPI_EXPORT int MPI_Init_thread(int* argc, char*** argv, int required, int* provided) {
    const int rc = PMPI_Init_thread(argc, argv, required, provided);
    if (rc == MPI_SUCCESS) start_session(provided ? *provided : required);
    return rc;
}

PAPERS_PMPI_EXPORT int MPI_Finalize(void) {
    end_session();
    return PMPI_Finalize();
}
