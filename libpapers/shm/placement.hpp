// placement.hpp — where ranks run: how many CPUs this job may use, and
// binding ranks to CPUs (as Open MPI binds to cores by default when ranks
// <= cores; unlike Open MPI also when ranks are an even multiple of them).
#pragma once
#include <sched.h>

namespace papers::shm {

// CPUs this process may run on (its affinity mask), at least 1.
int usable_cpus();

// Binds the calling process to CPU number (rank mod CPUs) of its affinity
// mask when the ranks spread evenly: ranks <= CPUs, or a multiple of them.
// Left alone: a mask of one CPU (someone already placed us), an uneven
// spread (3 ranks on 2 CPUs would give one CPU two ranks for good, where the
// scheduler balances better), PAPERS_SHM_BIND=0. PAPERS_SHM_BIND=wrap binds
// whatever the spread. Returns the CPU or -1 when it left the process alone.
//
// Why (measured on the 2-core VM, median per call):
//  - 2 ranks: spinning ranks get spread over the cores by the scheduler, but
//    ranks that yield and sleep (as ours do when the machine is busy) can end
//    up sharing one core and stay there: barrier ~3.8 us instead of 0.09 us;
//  - 4 ranks: barrier 3.1 us bound vs 3.3-6.6 us unbound; 8 ranks: 6.6 us
//    vs 10.6-15.8 us (the scheduler's 3+1 or 5+3 splits cost switches).
// The affinity mask is given back by restore() (papers_finalize, or the
// end of the session), so that a later papers_init in the same process
// sees the CPUs it was started with.
class CpuBinding {
public:
    int bind_rank(int rank, int size);
    void restore();
    ~CpuBinding() { restore(); }
    int cpu() const { return cpu_; }

private:
    cpu_set_t saved_{};
    int cpu_ = -1;
};

}  // namespace papers::shm
