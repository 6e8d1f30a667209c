#!/bin/bash
# run_mpi_interposer_bench.sh — MPI_Barrier / MPI_Allreduce through Open MPI
# alone and through libpapers_pmpi.so on the simulated hub, N = 2 and 4
# (or the N given), one JSON line per measurement.
# usage: run_mpi_interposer_bench.sh BUILD_DIR [ITERS] [N...]
set -u
build=${1:?usage: $0 BUILD_DIR [ITERS] [N...]}
iters=${2:-2000}
shift $(( $# >= 2 ? 2 : 1 ))
nps=("$@")
[ ${#nps[@]} -gt 0 ] || nps=(2 4)
bench=$build/bin/mpi_interposer_bench
hubsim=$build/bin/papers-hubsim
lib=$build/lib/libpapers_pmpi.so
for f in "$bench" "$hubsim" "$lib"; do [ -e "$f" ] || { echo "missing $f" >&2; exit 2; }; done
unset PAPERS_BACKEND PAPERS_SIM PAPERS_PORT PAPERS_RANK PAPERS_SIZE LD_PRELOAD
mpirun=(mpirun --allow-run-as-root --oversubscribe)
tmp=$(mktemp -d)
hub_pid=
trap '[ -n "$hub_pid" ] && kill $hub_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for np in "${nps[@]}"; do
    "${mpirun[@]}" -np "$np" "$bench" --iters "$iters"
    name=/papers-bench-$$-$np
    mkfifo "$tmp/ready$np"
    "$hubsim" --name "$name" --ports "$np" --ready-fd 3 3>"$tmp/ready$np" &
    hub_pid=$!
    read -r -t 15 line <"$tmp/ready$np"
    [ "${line:-}" = ready ] || { echo "papers-hubsim did not start" >&2; exit 1; }
    "${mpirun[@]}" -np "$np" -x PAPERS_SIM="$name" -x LD_PRELOAD="$lib" "$bench" --iters "$iters"
    kill $hub_pid; wait $hub_pid 2>/dev/null; hub_pid=
done
