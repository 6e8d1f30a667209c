#!/usr/bin/env bash
# Runs the benchmark set behind docs/performance.md, each next to Open MPI in
# the same invocation. Usage: bench/record-performance.sh [build-dir]
# Takes about two minutes. Run it on a quiet machine; VM timings vary up to
# 3x between runs, so compare ratios, not absolute numbers. Every line runs
# papers and its reference at the same time, taking turns in 20 blocks per
# operation (--blocks, bench/turns.h), so both medians sample the same
# stretches of the machine's time.
set -euo pipefail
B=${1:-build}/bin/papers-bench
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) ($(nproc) cores), $(uname -r)"
run() { echo; echo "\$ papers-bench $*"; "$B" "$@"; }
run --backend sim -np 4 --ops barrier,any,allreduce,bcast:4 --iters 3000 --warmup 300 --compare-mpi --blocks 20
run --backend sim -np 2 --ops barrier,allreduce --iters 3000 --warmup 300 --compare-mpi --blocks 20
# The simulated hub next to shm (issue 14): direct mode (the default), then served.
run --backend sim -np 2 --ops barrier,allreduce --iters 5000 --warmup 500 --compare-backend shm --blocks 20
run --backend sim -np 4 --ops barrier,allreduce --iters 3000 --warmup 300 --compare-backend shm --blocks 20
PAPERS_SIM_EVAL=served run --backend sim -np 2 --ops barrier,allreduce --iters 3000 --warmup 300 --compare-backend shm --blocks 20
run --backend capers -np 2 --ops barrier,allreduce,bcast:4 --iters 3000 --warmup 300 --compare-mpi --blocks 20
run --backend shm -np 2 --ops barrier,allreduce_double:8192 --iters 20000 --warmup 2000 --compare-mpi --compare-spin --blocks 20
run --backend shm -np 4 --ops barrier,allreduce_double:8192 --iters 5000 --warmup 500 --compare-mpi --blocks 20
run --backend udp -np 2 --ops barrier,allreduce --iters 10000 --warmup 1000 --compare-mpi --mpi-tcp --blocks 20
run --backend udp -np 4 --ops barrier,allreduce --iters 5000 --warmup 500 --compare-mpi --mpi-tcp --blocks 20
run --mpi-interposer -np 2 --iters 2000
run --mpi-interposer -np 4 --iters 2000
