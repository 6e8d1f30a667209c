#include "placement.hpp"

namespace papers {

int usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    const int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

int CpuBinding::bind_slot(int slot) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    const int n = CPU_COUNT(&set);
    if (n <= 1 || slot < 0) return -1;
    int seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &set)) continue;
        if (seen++ != slot % n) continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0) return -1;
        if (cpu_ < 0) saved_ = set;  // bound twice: keep the first mask
        cpu_ = cpu;
        return cpu;
    }
    return -1;
}

void CpuBinding::restore() {
    if (cpu_ < 0) return;
    sched_setaffinity(0, sizeof saved_, &saved_);
    cpu_ = -1;
}

}  // namespace papers
