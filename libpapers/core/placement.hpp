// placement.hpp — where ranks run: how many CPUs this process may use, and
// binding a process to one of them. The policies (which rank goes where,
// and when to bind at all) belong to the backends: shm/shm_binding.cpp,
// udp/udp_factory.cpp.
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
