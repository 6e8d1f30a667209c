#!/usr/bin/env python3
"""Draws the figures of docs/performance.md from bench/record-performance.sh's records.

    bench/plot-performance.py OUT_DIR      reads OUT_DIR/records.jsonl, writes OUT_DIR/*.png

latency.png    median latency per operation, backend and N, next to Open MPI (same run)
accesses.png   DATA writes (= hub exchanges) per operation against N, one line per width
predicted.png  predicted latency on a real hub (each exchange: one DATA write and at least
               one STATUS read, ~1 us per port access) next to Open MPI over TCP
Python parses, gnuplot draws (pngcairo); no other dependency.
"""
import json
import os
import subprocess
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def name(r):
    op = r["op"]
    if op.startswith("allreduce") or op in ("bcast", "gather"):
        op += " %dB" % r["bytes"]
    return op


def gnuplot(out_dir, stem, script, data, size="1100,560"):
    dat = os.path.join(out_dir, stem + ".dat")
    with open(dat, "w") as f:
        f.write(data)
    gp = ("set terminal pngcairo size %s font 'DejaVu Sans,10' noenhanced\n" % size +
          "set output '%s'\n" % os.path.join(out_dir, stem + ".png") + script.replace("@DAT@", dat))
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    print("wrote " + os.path.join(out_dir, stem + ".png"))


def latency(out_dir, recs):
    rows = [r for r in recs if r["impl"] == "papers" and "ref_median_us" in r]
    data = "".join('"%s %s N=%d" %.3f %.3f\n' % (name(r), r["backend"], r["np"], r["median_us"],
                                               r["ref_median_us"]) for r in rows)
    script = """
set title 'Median latency per operation (papers next to Open MPI, same invocation)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'median latency [us] (log)'
set xtics rotate by -40 left
set key top left
set grid ytics
set bmargin 10
set rmargin 12
plot '@DAT@' using 2:xtic(1) title 'papers' lc rgb '#1f77b4', '' using 3 title 'Open MPI (TCP for udp rows)' lc rgb '#ff7f0e'
"""
    gnuplot(out_dir, "latency", script, data, size="1300,640")


def sweep(recs):
    """Records of the sim sweep: writes per op by (op, width) and N."""
    table = {}
    for r in recs:
        if r["impl"] == "papers" and r["backend"] == "sim" and r["iters"] == 20:
            table.setdefault(name(r), {})[r["np"]] = r["port_writes"]
    return table


def accesses(out_dir, recs):
    table = sweep(recs)
    ns = sorted({n for v in table.values() for n in v})
    ops = sorted(table, key=lambda o: (o.split()[0], int(o.split()[1][:-1]) if " " in o else 0))
    data = "N " + " ".join('"%s"' % o for o in ops) + "\n"
    for n in ns:
        data += "%d " % n + " ".join("%g" % table[o][n] if n in table[o] else "NaN" for o in ops) + "\n"
    script = """
set title 'DATA writes (= hub exchanges) per operation on the simulated hub'
set xlabel 'N (PEs)'
set ylabel 'writes per operation (log)'
set logscale y
set key outside right
set grid
set datafile missing 'NaN'
plot for [i=2:%d] '@DAT@' using 1:i with linespoints title columnheader(i)
""" % (len(ops) + 1)
    gnuplot(out_dir, "accesses", script, data)


def predicted(out_dir, recs):
    writes = {}
    for r in recs:
        if r["impl"] == "papers" and r["backend"] == "sim" and "ref_median_us" in r:
            writes[(name(r), r["np"])] = r["port_writes"]
    rows = []
    for r in recs:
        if r["impl"] == "papers" and r["backend"] == "udp" and "ref_median_us" in r:
            key = (name(r), r["np"])
            if key in writes:
                # One DATA write and at least one STATUS read per exchange, ~1 us each.
                rows.append((key, 2.0 * writes[key], r["ref_median_us"], r["median_us"]))
    data = "".join('"%s N=%d" %.3f %.3f %.3f\n' % (k[0], k[1], p, m, u) for k, p, m, u in rows)
    script = """
set title 'Predicted latency on a real hub (exchanges x (1 write + 1 read) x 1 us) next to Open MPI over TCP'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'latency [us]'
set key top left
set grid ytics
plot '@DAT@' using 2:xtic(1) title 'real hub, predicted' lc rgb '#2ca02c', '' using 3 title 'Open MPI over TCP (loopback)' lc rgb '#ff7f0e', '' using 4 title 'papers udp (loopback)' lc rgb '#1f77b4'
"""
    gnuplot(out_dir, "predicted", script, data)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: plot-performance.py OUT_DIR")
    out_dir = sys.argv[1]
    recs = load(os.path.join(out_dir, "records.jsonl"))
    latency(out_dir, recs)
    accesses(out_dir, recs)
    predicted(out_dir, recs)


if __name__ == "__main__":
    main()
