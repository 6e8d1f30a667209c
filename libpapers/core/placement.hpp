// placement.hpp — where ranks run: how many CPUs this process may use, and
// binding a rank to one of them (as Open MPI binds to cores by default when
// ranks <= cores; unlike Open MPI, papers also binds when the ranks of a
// host are an even multiple of its CPUs). Used by the shm and udp backends.
#pragma once
#include <sched.h>

namespace papers {

// CPUs this process may run on (its affinity mask), at least 1.
int usable_cpus();

// Binds the calling process to one CPU of its affinity mask and gives the
// mask back in restore() (papers_finalize, or the end of the session), so
// that a later papers_init in the same process sees the CPUs it was
// started with.
class CpuBinding {
public:
    // CPU number (slot mod CPUs) of the mask. Left alone when the mask has
    // one CPU (someone already placed us) or the call fails. Returns the
    // CPU, or -1 when it left the process alone.
    int bind_slot(int slot);

    // The shm policy: slot = rank, when the ranks spread evenly (ranks <=
    // CPUs, or a multiple of them). Left alone: an uneven spread (3 ranks on
    // 2 CPUs would give one CPU two ranks for good, where the scheduler
    // balances better), PAPERS_SHM_BIND=0. PAPERS_SHM_BIND=wrap binds
    // whatever the spread.
    //
    // Why (measured on the 2-core VM, median per call):
    //  - 2 ranks: spinning ranks get spread over the cores by the scheduler,
    //    but ranks that yield and sleep (as ours do when the machine is
    //    busy) can end up sharing one core and stay there: barrier ~3.8 us
    //    instead of 0.09 us;
    //  - 4 ranks: barrier 3.1 us bound vs 3.3-6.6 us unbound; 8 ranks:
    //    6.6 us vs 10.6-15.8 us (the scheduler's 3+1 or 5+3 splits cost
    //    switches).
    int bind_rank(int rank, int size);

    void restore();
    int cpu() const { return cpu_; }
    ~CpuBinding() { restore(); }
    CpuBinding() = default;
    CpuBinding(const CpuBinding&) = delete;
    CpuBinding& operator=(const CpuBinding&) = delete;

private:
    cpu_set_t saved_{};
    int cpu_ = -1;
};

}  // namespace papers
