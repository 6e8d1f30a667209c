#!/bin/sh
# ctest -L hil: the operation suite on REAL hardware (docs/hardware.md).
# Skipped (exit 77) unless PAPERS_PORT names this PC's port. Defaults: the
# hub backend, one PE (PAPERS_SIZE=1, PAPERS_RANK=0: only this port enabled
# on the hub, which also runs the cable self-test). For a job across N PCs,
# run it on every PC at once with PAPERS_SIZE=N and each PC's PAPERS_RANK;
# for CAPERS set PAPERS_BACKEND=capers, PAPERS_SIZE=2.
# Usage: run_hil.sh PAPERS-PROBE PAPERS-SUITE
probe=$1
suite=$2
if [ -z "$PAPERS_PORT" ]; then
    echo "hil: PAPERS_PORT is not set: no hardware to test, skipped"
    exit 77
fi
: "${PAPERS_BACKEND:=hub}" "${PAPERS_SIZE:=1}" "${PAPERS_RANK:=0}"
export PAPERS_BACKEND PAPERS_SIZE PAPERS_RANK
echo "hil: backend $PAPERS_BACKEND, port $PAPERS_PORT, rank $PAPERS_RANK of $PAPERS_SIZE"
if [ "$PAPERS_BACKEND" = hub ] && [ "$PAPERS_SIZE" = 1 ]; then
    "$probe" --port "$PAPERS_PORT" --self-test || { echo "hil: cable self-test failed"; exit 1; }
else
    "$probe" --port "$PAPERS_PORT"
    rc=$?
    # 4 = no hub seen; for CAPERS the status is the peer's data, so only 2/3 are fatal.
    if [ $rc -eq 2 ] || [ $rc -eq 3 ]; then echo "hil: port unusable"; exit 1; fi
fi
exec "$suite"
