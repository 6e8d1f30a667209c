#!/usr/bin/env bash
# Regenerates the waveform pictures of docs/papersrun.md: a 4-PE job (a barrier, a reduce of
# int32 sums, a bcast from rank 2: tests/trace/trace_ops.c) traced with papersrun --trace,
# opened in a real GTKWave on a virtual X display (Xvfb) with the save file papersrun wrote,
# zoomed on the barrier and on the reduce, and photographed.
#   scripts/trace-screenshot.sh [build-dir]      (needs: gtkwave xvfb imagemagick; deps.sh --doc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
for tool in gtkwave xvfb-run import python3; do
  command -v "$tool" >/dev/null || { echo "trace-screenshot: $tool missing (scripts/deps.sh --doc)" >&2; exit 1; }
done
cmake --build "$build" -j2 --target papersrun papers-hubsim papers-trace-ops >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bin/papersrun" -np 4 --trace "$work/hub.vcd" "$build/bin/papers-trace-ops" >/dev/null

# When PE 0's call label changes: "time label" lines, read off the merged VCD.
python3 - "$work/hub.vcd" >"$work/calls" <<'PY'
import sys
ids, scope, t, header = {}, [], 0, True
for line in open(sys.argv[1]):
    tok = line.split()
    if header:
        if tok[:1] == ['$scope']: scope.append(tok[2])
        elif tok[:1] == ['$upscope']: scope.pop()
        elif tok[:1] == ['$var']: ids.setdefault(tok[3], '.'.join(scope + [tok[4]]))
        elif tok[:1] == ['$enddefinitions']: header = False
        continue
    if line.startswith('#'): t = int(line[1:]); continue
    if line.startswith('b') and ids.get(tok[1]) == 'papers.pe0.call':
        bits = tok[0][1:]
        bits = bits.zfill(-(-len(bits) // 8) * 8)
        label = ''.join(chr(int(bits[i:i + 8], 2)) for i in range(0, len(bits), 8)).strip(' \0')
        print(t, label.replace(' ', '_') or '-')
PY
span() {  # start and end time of the call labelled $1 on PE 0, with a margin
  awk -v want="$1" '$2 == want {s = $1; getline; print s - 40, $1 + 40; exit}' "$work/calls"
}
# The save file as papersrun wrote it, in a window tall enough for all four PEs and the hub.
sed -i 's/^\[size\].*/[size] 1600 1100/' "$work/hub.gtkw"
shoot() {  # $1 = picture, $2 $3 = time range
  echo "gtkwave::setZoomRangeTimes $2 $3" >"$work/zoom.tcl"
  xvfb-run -a -s "-screen 0 1600x1100x24" sh -c "
    gtkwave -S '$work/zoom.tcl' '$work/hub.vcd' '$work/hub.gtkw' >'$work/gtkwave.log' 2>&1 &
    pid=\$!; sleep 6; import -window root '$1'; kill \$pid"
  echo "wrote $1"
}
read -r b0 b1 < <(span barrier)
read -r r0 r1 < <(span reduce_int32_sum)
shoot "$root/docs/images/trace-barrier.png" "$b0" "$b1"
shoot "$root/docs/images/trace-reduce.png" "$r0" "$r1"
