#include "shm_binding.hpp"

namespace papers::shm {

int bind_rank(CpuBinding& binding, int rank, int size, std::string_view mode) {
    if (mode == "0" || size < 2) return -1;
    const int n = usable_cpus();
    if (size > n && size % n != 0 && mode != "wrap") return -1;  // would load CPUs unevenly
    return binding.bind_slot(rank);
}

}  // namespace papers::shm
