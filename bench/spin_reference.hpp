#pragma once
#include "record.hpp"

namespace papers::bench {
// Times a pure spin barrier among np forked processes (np <= cores!).
bool run_spin_reference(int np, int iters, int warmup, Record& out);
}
