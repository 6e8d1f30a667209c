"""gen_pictures.py -- the pictures hw/README.md shows: every schematic sheet and a 3D render of
each board, made with kicad-cli (SVG -> PNG with rsvg-convert), into hw/doc/.

    cd hw && python3 -m tools.gen_pictures            # regenerate (needs KiCad 9, rsvg-convert)
    cd hw && python3 -m tools.gen_pictures --check    # stdlib only: are they stale?

The PNG bytes depend on the KiCad and librsvg versions, so staleness is not judged by them:
hw/doc/pictures.sha256 records the SHA-256 of every source file the pictures were made from,
and --check fails when a source changed since (or a picture is missing).
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from . import kicad_cli as kc

HERE = os.path.dirname(os.path.abspath(__file__))
HW = os.path.normpath(os.path.join(HERE, ".."))
DOC = os.path.join(HW, "doc")
STAMP = os.path.join(DOC, "pictures.sha256")
BOARDS = ["papers-hub", "papers-hub8"]
# sheet name as kicad-cli names the SVG -> picture file (one port instance is enough)
SHEETS = {"": "root", "Power": "power", "Port 0": "port", "Combine": "combine", "State": "state"}
LINK_SHEETS = {"Link": "link"}       # the tree module only


def sheets(board):
    return dict(SHEETS, **(LINK_SHEETS if os.path.exists(os.path.join(HW, board, "link.kicad_sch")) else {}))


def sources(board):
    d = os.path.join(HW, board)
    return sorted(os.path.join(board, n) for n in os.listdir(d) if n.endswith((".kicad_sch", ".kicad_pcb")))


def pictures(board):
    return ["%s-%s.png" % (board, v) for v in sheets(board).values()] + ["%s-3d.jpg" % board]


def digest():
    lines = []
    for b in BOARDS:
        for rel in sources(b):
            with open(os.path.join(HW, rel), "rb") as f:
                lines.append("%s  %s" % (hashlib.sha256(f.read()).hexdigest(), rel))
    return "\n".join(lines) + "\n"


def check():
    missing = [p for b in BOARDS for p in pictures(b) if not os.path.exists(os.path.join(DOC, p))]
    if missing:
        sys.exit("FAIL: pictures missing in hw/doc: %s (run: cd hw && python3 -m tools.gen_pictures)" % missing)
    try:
        with open(STAMP, encoding="utf-8") as f:
            old = f.read()
    except OSError:
        sys.exit("FAIL: %s missing (run: cd hw && python3 -m tools.gen_pictures)" % STAMP)
    new = digest()
    if old != new:
        stale = sorted(set(new.splitlines()) ^ set(old.splitlines()))
        sys.exit("FAIL: the pictures in hw/doc are stale, their sources changed: %s\n"
                 "regenerate: cd hw && python3 -m tools.gen_pictures" % sorted({s.split()[-1] for s in stale}))
    print("PASS: %d pictures in hw/doc match their sources" % sum(len(pictures(b)) for b in BOARDS))


def generate(width):
    rsvg = shutil.which("rsvg-convert")
    if not rsvg:
        sys.exit("rsvg-convert is missing: apt-get install librsvg2-bin")
    os.makedirs(DOC, exist_ok=True)
    for b in BOARDS:
        with tempfile.TemporaryDirectory() as tmp:
            kc.run(["sch", "export", "svg", "-o", tmp, os.path.join(HW, b, b + ".kicad_sch")])
            for name, tag in sheets(b).items():
                svg = os.path.join(tmp, "%s%s.svg" % (b, "-" + name if name else ""))
                if not os.path.exists(svg):
                    sys.exit("kicad-cli wrote no %s (found %s)" % (svg, sorted(os.listdir(tmp))))
                out = os.path.join(DOC, "%s-%s.png" % (b, tag))
                subprocess.run([rsvg, "-w", str(width), "-b", "white", svg, "-o", out], check=True, timeout=120)
        kc.run(["pcb", "render", "--quality", "high", "--width", str(width), "--height", str(width * 2 // 3),
                "--rotate", "-35,0,15", "--perspective", "--zoom", "0.9", "-o", os.path.join(DOC, "%s-3d.jpg" % b),
                os.path.join(HW, b, b + ".kicad_pcb")], timeout=300)
    with open(STAMP, "w", encoding="utf-8") as f:
        f.write(digest())
    print("wrote %s" % ", ".join(p for b in BOARDS for p in pictures(b)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the pictures are not stale")
    ap.add_argument("--width", type=int, default=1600)
    args = ap.parse_args()
    if args.check:
        check()
    else:
        try:
            generate(args.width)
        except kc.CliError as e:
            sys.exit(str(e))


if __name__ == "__main__":
    main()
