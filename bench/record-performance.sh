#!/usr/bin/env bash
# Runs the benchmark set behind docs/performance.md, each next to Open MPI in
# the same invocation, and draws its figures.
#   bench/record-performance.sh [build-dir] [out-dir]    (out-dir default: <build-dir>/performance)
# Takes about two minutes. Run it on a quiet machine; VM timings vary up to
# 3x between runs, so compare ratios, not absolute numbers. Every line runs
# papers and its reference at the same time, taking turns in 20 blocks per
# operation (--blocks, bench/turns.h), so both medians sample the same
# stretches of the machine's time. Every record also goes to out-dir/records.jsonl
# (--json-out); a sweep of the simulated hub over N and widths adds the exact port
# accesses per operation; bench/plot-performance.py then draws out-dir/*.png with gnuplot
# (scripts/deps.sh --doc). PAPERS_PLOTS_ONLY=1 redraws from an existing records.jsonl.
set -euo pipefail
build=${1:-build}
out=${2:-$build/performance}
B=$build/bin/papers-bench
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
if [[ "${PAPERS_PLOTS_ONLY:-0}" != 1 ]]; then
  rm -f "$out/records.jsonl"
  echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) ($(nproc) cores), $(uname -r)" |
    tee "$out/machine.txt"
  run() { echo; echo "\$ papers-bench $*"; "$B" "$@" --json-out "$out/records.jsonl"; }
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
  "$B" --mpi-interposer -np 2 --iters 2000
  "$B" --mpi-interposer -np 4 --iters 2000
  # DIPC next to raw TCP (JSON lines of their own, not plotted)
  "$B" --dipc --iters 2000 --blocks 10 | tee "$out/dipc.jsonl"
  "$B" --dsm --iters 400 --blocks 4 | tee -a "$out/dipc.jsonl"
  "$B" --dsm --iters 400 --blocks 4 --dsm-residency-us 1000 | tee -a "$out/dipc.jsonl"
  # Port accesses per operation against N and width: writes are exact (one per hub exchange),
  # so a few iterations on the simulated hub suffice.
  for n in 2 3 4 6 8; do
    run --backend sim -np "$n" --ops barrier,allreduce:4,allreduce:8,allreduce:16,bcast:1,bcast:4,bcast:16,gather:1,gather:4 \
        --iters 20 --warmup 2
  done
fi
python3 "$here/plot-performance.py" "$out"
