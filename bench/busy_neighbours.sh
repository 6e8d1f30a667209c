#!/bin/bash
# busy_neighbours.sh — a job with more PEs than cores next to CPU-bound
# processes, with and without the short time slice papers_init asks for
# (PAPERS_SLICE_US, driver/time_slice.hpp). The reference is the same job
# with PAPERS_SLICE_US=0 (the kernel's slice), run interleaved with it in
# the same invocation; the result is the ratio of medians.
#
#   bench/busy_neighbours.sh BUILD_DIR [BUSY=2] [ROUNDS=3] [PES=4]
#
# Each run is heat1d (examples/) on PES PEs under papersrun, BUSY shell loops
# spinning meanwhile; a run that hits the job timeout (60 s) counts as 60.
set -u
build=${1:?usage: busy_neighbours.sh BUILD_DIR [BUSY] [ROUNDS] [PES]}
busy=${2:-2}
rounds=${3:-3}
pes=${4:-4}
cfgs=("sim direct" "sim served" "shm -" "udp -")
declare -A times

pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; }
trap cleanup EXIT
for _ in $(seq 1 "$busy"); do (while :; do :; done) & pids+=($!); done

run() {  # backend eval slice -> seconds
    local t0 t1
    t0=$(date +%s.%N)
    if [ "$2" = - ]; then
        PAPERS_SLICE_US=$3 "$build/bin/papersrun" -np "$pes" --backend "$1" --timeout 10 --job-timeout 60 \
            "$build/bin/heat1d" > /dev/null 2>&1
    else
        PAPERS_SIM_EVAL=$2 PAPERS_SLICE_US=$3 "$build/bin/papersrun" -np "$pes" --backend "$1" --timeout 10 \
            --job-timeout 60 "$build/bin/heat1d" > /dev/null 2>&1
    fi
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}

for r in $(seq 1 "$rounds"); do
    for c in "${cfgs[@]}"; do
        read -r b e <<< "$c"
        for s in 100 0; do times["$b $e $s"]+="$(run "$b" "$e" "$s") "; done
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "heat1d, $pes PEs, $busy busy loops, $rounds rounds, $(nproc) CPUs, $(uname -r), $(date -u +%F)"
printf '%-12s %12s %12s %8s\n' "job" "slice 100us" "kernel's" "ratio"
for c in "${cfgs[@]}"; do
    read -r b e <<< "$c"
    short=$(echo "${times["$b $e 100"]}" | median)
    kern=$(echo "${times["$b $e 0"]}" | median)
    printf '%-12s %11.2fs %11.2fs %7.1fx\n' "$b${e/-/}" "$short" "$kern" "$(echo "$kern / $short" | bc -l)"
done
