#!/bin/bash
# run_interposer_test.sh — one MPI program, four runs under mpirun, the
# same printed results every time:
#   plain      Open MPI alone (the reference);
#   hub        LD_PRELOAD=libpapers_pmpi.so on a papers-hubsim hub: the
#              supported collectives run on the hub (its counters must show
#              port accesses and routed calls on every rank, and the
#              fall-through cases must have reached MPI);
#   no-hub     the interposer with no hub configured: a pure pass-through;
#   dead-hub   the interposer pointed at a hub that does not exist: every
#              rank warns and passes through.
# Then a fail-stop run: one rank is late beyond PAPERS_TIMEOUT, the job aborts.
# usage: run_interposer_test.sh MPIRUN HUBSIM LIBPMPI PROGRAM NP
# (LIBPMPI is an LD_PRELOAD list: under a sanitizer its runtime comes first.)
set -u
[ $# -eq 5 ] || { echo "usage: $0 MPIRUN HUBSIM LIBPMPI PROGRAM NP" >&2; exit 2; }
mpirun=$1 hubsim=$2 lib=$3 prog=$4 np=$5

# Only this script decides the papers configuration of the ranks.
unset PAPERS_BACKEND PAPERS_SIM PAPERS_PORT PAPERS_RANK PAPERS_SIZE PAPERS_JOB PAPERS_PMPI LD_PRELOAD

tmp=$(mktemp -d /tmp/papers-mpi-test.XXXXXX)
name=/papers-mpi-$$
hub_pid=
cleanup() {
    [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The hub: papers-hubsim writes "ready" on fd 3 once it serves.
mkfifo "$tmp/ready"
"$hubsim" --name "$name" --ports "$np" --ready-fd 3 3>"$tmp/ready" &
hub_pid=$!
read -r -t 15 line <"$tmp/ready" || true
[ "${line:-}" = ready ] || fail "papers-hubsim did not become ready (got '${line:-}')"

run() {  # run LABEL [mpirun -x options...]
    local label=$1
    shift
    timeout 60 "$mpirun" --allow-run-as-root --oversubscribe -np "$np" "$@" "$prog" \
        >"$tmp/$label.out" 2>"$tmp/$label.err"
    local rc=$?
    if [ $rc -ne 0 ]; then
        cat "$tmp/$label.err" >&2
        fail "$label run exited with $rc"
    fi
    sort "$tmp/$label.out" >"$tmp/$label.sorted"
    local lines
    lines=$(wc -l <"$tmp/$label.sorted")
    [ "$lines" -ge $((30 * np)) ] || fail "$label run printed only $lines result lines"
    echo "$label: $lines result lines"
}

run plain
run hub -x PAPERS_SIM="$name" -x PAPERS_PMPI_STATS=1 -x PAPERS_TIMEOUT=20 -x LD_PRELOAD="$lib"
run no-hub -x PAPERS_PMPI_STATS=1 -x LD_PRELOAD="$lib"
run dead-hub -x PAPERS_SIM=/papers-no-such-hub-$$ -x PAPERS_PMPI_STATS=1 -x LD_PRELOAD="$lib"

for label in hub no-hub dead-hub; do
    diff "$tmp/plain.sorted" "$tmp/$label.sorted" >"$tmp/$label.diff" ||
        { cat "$tmp/$label.diff" >&2; fail "$label results differ from Open MPI alone"; }
done

# The hub was used, on every rank: routed calls and port accesses > 0, and
# the fall-through cases went to MPI.
# Keep in step with mpi_collectives.c. Per rank, to the hub: 6 barriers (3
# first, 1 on a dup, 1 between, 1 last), 24 allreduces (23 on the world, 1
# on a dup), 4 reduces, 4 bcasts, 3 allgathers. To MPI: user op, vector and
# contiguous derived bcasts, MPI_COMM_SELF, split comm x3, long double,
# MAXLOC, count 0 x2, 2 bulk messages over 1024 bytes, C bool.
expected_split='routed 41 (barrier 6 allreduce 24 reduce 4 bcast 4 allgather 3), passed through 14,'
stats=$(grep -c '^papers-pmpi: rank [0-9]*: backend sim, routed' "$tmp/hub.err")
[ "$stats" -eq "$np" ] || { cat "$tmp/hub.err" >&2; fail "expected $np stats lines, got $stats"; }
while read -r line; do
    routed=$(sed -n 's/.*routed \([0-9]*\) .*/\1/p' <<<"$line")
    passed=$(sed -n 's/.*passed through \([0-9]*\),.*/\1/p' <<<"$line")
    reads=$(sed -n 's/.*port reads \([0-9]*\),.*/\1/p' <<<"$line")
    writes=$(sed -n 's/.*port writes \([0-9]*\),.*/\1/p' <<<"$line")
    [ "${routed:-0}" -gt 0 ] && [ "${passed:-0}" -gt 0 ] && [ "${reads:-0}" -gt 0 ] &&
        [ "${writes:-0}" -gt 0 ] || fail "hub not used as expected: $line"
    # Exactly the calls mpi_collectives.c means to route, and to pass through.
    grep -q "$expected_split" <<<"$line" ||
        fail "routed/passed calls differ from mpi_collectives.c's: want '$expected_split' in: $line"
    echo "$line"
done < <(grep '^papers-pmpi: rank' "$tmp/hub.err")

# Fail-stop: rank 0 reaches the last barrier 3 s late, the others' hub
# barrier times out after 1 s, and the interposer aborts the job.
timeout 60 "$mpirun" --allow-run-as-root --oversubscribe -np "$np" -x PAPERS_SIM="$name" \
    -x PAPERS_TIMEOUT=1 -x MPI_COLLECTIVES_RANK0_LATE_S=3 -x LD_PRELOAD="$lib" "$prog" \
    >"$tmp/late.out" 2>"$tmp/late.err" && fail "late rank: the job did not fail"
grep -q 'MPI_Barrier on the papers hub failed: timed out.*aborting the job (fail-stop' \
    "$tmp/late.err" || { cat "$tmp/late.err" >&2; fail "late rank: no fail-stop message"; }
echo "late rank: the job was aborted (fail-stop)"

grep -q '^papers-pmpi: rank [0-9]*: backend' "$tmp/no-hub.err" &&
    fail "the interposer started a papers session with no hub configured"
warned=$(grep -c 'papers_init failed' "$tmp/dead-hub.err")
[ "$warned" -eq "$np" ] || { cat "$tmp/dead-hub.err" >&2; fail "dead hub: $warned of $np ranks warned"; }
echo "PASS: $np ranks, identical results with and without the interposer"
