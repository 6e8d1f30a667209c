#!/bin/sh
# launch_flaky_dipcd.sh — a papers-dipcd that misbehaves for one host, for
# the launch failure tests; every other daemon is the real one.
#   FLAKY_NAME=rank-1 FLAKY_MODE=fail|silent|die-later REAL_DIPCD=... launch_flaky_dipcd.sh ARGS
# fail: exits 3 at once; silent: never reports ready; die-later: serves,
# then exits 4 after 1 s. The daemon's name is the value after --name.
name=
prev=
for a in "$@"; do
  [ "$prev" = "--name" ] && name=$a
  prev=$a
done
if [ "$name" = "$FLAKY_NAME" ]; then
  case "$FLAKY_MODE" in
    fail) echo "flaky papers-dipcd $name: failing on purpose" >&2; exit 3 ;;
    silent) echo "flaky papers-dipcd $name: staying silent" >&2; exec sleep 300 ;;
    die-later) "$REAL_DIPCD" "$@" & sleep 1; kill -KILL $! ; echo "flaky papers-dipcd $name: died" >&2; exit 4 ;;
  esac
fi
exec "$REAL_DIPCD" "$@"
