#!/bin/bash
# fault_case.sh — one cell of the fault matrix (docs/reliability.md): a job
# of 3 ranks (2 on capers) under papersrun on BACKEND, and FAULT done to it:
#   kill-rank    rank 1 dies by SIGKILL while the others are in a barrier
#   stop-rank    rank 1 stops (SIGSTOP) while the others are in a barrier
#   kill-helper  the job's helper process (papers-hubsim) is killed (SIGKILL)
#                while the ranks run barriers
#   link-down    udp: ranks 0 and 2 in one network namespace, rank 1 in another,
#                joined by a veth pair (ranks started through netns_ssh.sh as if
#                over ssh); rank 1's end of the link goes down while the ranks
#                run barriers (needs root and ip netns: else SKIP)
# and asserts the promised outcome:
#   - papersrun exits non-zero, on its own (not by --job-timeout), within BOUND s;
#   - kill-rank: papersrun names rank 1's death and exits 137 (128 + SIGKILL);
#     stop-rank: the survivors' barrier times out and (but on the hub, which
#     cannot tell who is silent) names rank 1; kill-helper: the simulator is named;
#     link-down: a barrier times out naming a rank across the link and its
#     address, papersrun exits 3 (the first failing rank's status);
#     mpi kill-rank: mpirun names rank 1's signal, no Open MPI segment is left;
#   - no survivor claims success ("barrier ok");
#   - no process of the job is left (a marker in the ranks' command line);
#   - nothing of the job is left in /dev/shm (nor a network namespace).
# usage: fault_case.sh PAPERSRUN FAILTEST BACKEND FAULT
set -u
[ $# -eq 4 ] || { echo "usage: $0 PAPERSRUN FAILTEST BACKEND FAULT" >&2; exit 2; }
papersrun=$1 failtest=$2 backend=$3 fault=$4
timeout_s=2        # PAPERS_TIMEOUT of the ranks
bound=30           # seconds papersrun may take in all (a loaded 2-core VM)
marker="fault-matrix-$$-$RANDOM"
tmp=$(mktemp -d /tmp/papers-fault.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL ($backend, $fault): $*" >&2; echo "--- papersrun stderr:" >&2; cat "$tmp/err" >&2; exit 1; }

unset PAPERS_BACKEND PAPERS_SIM PAPERS_PORT PAPERS_RANK PAPERS_SIZE PAPERS_JOB PAPERS_KEY
case $fault in
  kill-rank) args=(kill-self 1) ;;
  stop-rank) args=(stop-self 1) ;;
  kill-helper|link-down) args=(barriers 20) ;;
  *) echo "unknown fault $fault" >&2; exit 2 ;;
esac

hosts=()
if [ "$fault" = link-down ]; then
    here=$(cd "$(dirname "$0")" && pwd)
    # shellcheck source=netns_link.sh
    . "$here/netns_link.sh"
    netns_link_setup || { echo "SKIP ($backend, $fault): $netns_skip_reason"; exit 0; }
    trap 'netns_link_teardown; rm -rf "$tmp"' EXIT
    hosts=(--hosts "$netns_hosts")
    export PAPERS_SSH="$here/netns_ssh.sh" FAULT_NETNS_HOSTS="$netns_map"
fi

# Open MPI's shared-memory transport has its own /dev/shm files (not named by the job id).
mpi_shm() { ls /dev/shm | grep -E '^(vader_segment|sm_segment)' || true; }
mpi_shm_before=$(mpi_shm)

start=$(date +%s%N)
np=3
[ "$backend" = capers ] && np=2  # a LapLink cable joins two PCs
"$papersrun" -v -np "$np" --backend "$backend" --timeout "$timeout_s" --job-timeout 120 \
    "${hosts[@]}" "$failtest" "${args[@]}" "$marker" >"$tmp/out" 2>"$tmp/err" &
pr=$!
if [ "$fault" = link-down ]; then
    # Every rank has passed a barrier over the link before it goes down.
    for _ in $(seq 300); do
        sleep 0.1
        [ "$(grep -c "barriers running" "$tmp/out" 2>/dev/null)" -eq 3 ] && break
    done
    [ "$(grep -c "barriers running" "$tmp/out")" -eq 3 ] ||
        { kill -KILL "$pr"; fail "the ranks did not run barriers over the link"; }
    sleep 0.5
    netns_link_down
fi
if [ "$fault" = kill-helper ]; then
    # Once every rank runs, the helper is papersrun's child named papers-hubsim
    # (earlier ones may be short-lived, e.g. the port-count query).
    helper=
    for _ in $(seq 300); do
        sleep 0.1
        grep -q "started .* rank(s)" "$tmp/err" 2>/dev/null || continue
        for c in $(pgrep -P "$pr"); do
            [ "$(cat "/proc/$c/comm" 2>/dev/null)" = papers-hubsim ] && helper=$c
        done
        [ -n "$helper" ] && break
    done
    [ -n "$helper" ] || { kill -KILL "$pr"; fail "no papers-hubsim process found"; }
    sleep 1
    kill -KILL "$helper"
fi
wait "$pr"
rc=$?
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
took="$((took_ms / 1000)).$(printf %03d $((took_ms % 1000)))"
echo "papersrun exit $rc after ${took} s"
cat "$tmp/err"

[ "$rc" -ne 0 ] || fail "papersrun succeeded"
[ "$rc" -ne 124 ] || fail "only --job-timeout ended the job"
(( took_ms < bound * 1000 )) || fail "took ${took} s (bound $bound)"
grep -q "barrier ok" "$tmp/out" && fail "a survivor claims success: $(grep 'barrier ok' "$tmp/out")"
case $fault in
  kill-rank)  # papersrun (mpi: mpirun, which papersrun became) sees the death first and
              # stops the job: 128 + SIGKILL
    [ "$rc" -eq 137 ] || fail "exit $rc, not 137 (the killed rank's status)"
    if [ "$backend" = mpi ]; then
        grep -Eq "process rank 1 with PID .* exited on signal 9" "$tmp/err" || fail "mpirun did not name rank 1's death"
    else
        grep -q "rank 1 was killed by signal 9" "$tmp/err" || fail "papersrun did not name rank 1's death"
    fi ;;
  stop-rank|link-down)  # the survivors time out inside the barrier and say so
    [ "$fault" = stop-rank ] || [ "$rc" -eq 3 ] || fail "exit $rc, not 3 (a rank's failed barrier)"
    grep -Eq "barrier:? (\(.*\) )?timed out after" "$tmp/err" || fail "no message names the barrier's timeout"
    # The NAND hub cannot tell which PE is silent; shm and udp name it. A partition is
    # symmetric: whichever side times out first names a rank across the link, and its address.
    if [ "$fault" = link-down ]; then
        grep -Eq "waiting for rank (1 \(10\.77\.0\.2:7102\)|[02] \(10\.77\.0\.1:710[13]\))" "$tmp/err" ||
            fail "no rank names a peer across the link"
    elif [ "$backend" != sim ] && [ "$backend" != capers ]; then
        grep -Eq "(not yet arrived|waiting for|silent).*\b1\b|rank 1\b" "$tmp/err" ||
            fail "no message names rank 1"
    fi ;;
  kill-helper)
    grep -Eq "papers-hubsim|simulator" "$tmp/err" || fail "no message names the simulator" ;;
esac
sleep 0.2
if [ "$fault" = link-down ]; then
    netns_link_teardown
    ip netns list | grep -q "$netns_prefix" && fail "network namespaces left: $(ip netns list | grep "$netns_prefix")"
fi
left=$(pgrep -f "$marker" || true)
[ -z "$left" ] || fail "processes left: $left"
job=$(sed -n 's/.*job \([0-9][0-9a-f-]*\).*/\1/p' "$tmp/err" | head -1)
[ -n "$job" ] || fail "papersrun -v did not say the job id"
leftover=$(ls /dev/shm | grep -F -- "$job" || true)
[ -z "$leftover" ] || fail "left in /dev/shm: $leftover"
if [ "$backend" = mpi ]; then
    leftover=$(comm -13 <(echo "$mpi_shm_before") <(mpi_shm))
    [ -z "$leftover" ] || fail "Open MPI left in /dev/shm: $leftover"
fi
echo "PASS ($backend, $fault): exit $rc, ${took} s, job $job, no processes or /dev/shm objects left"
