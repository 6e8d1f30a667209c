#!/usr/bin/env python3
"""gen_hub_board.py -- generate the PAPERS hub board (hw/papers-hub/) from hub_design.py.

Stdlib only; run it as a module of the hw/tools package, from hw/:
    cd hw && python3 -m tools.gen_hub_board [--out papers-hub]
It places the parts, routes the board on two layers (router.py) and writes, in KiCad 9's
format (kicad9_pcb.py, gen_schematic.py): the .kicad_pcb, the .kicad_pro (net classes,
rules), the .kicad_sch, and the project-local libraries papers.pretty / papers.kicad_sym
with their fp-lib-table / sym-lib-table.  No KiCad is needed to generate, so the files
depend only on the design source.  The output is deterministic: same design, same files.
"""
import argparse
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

from . import footprints as fpl
from .board_layouts import LAYOUTS
from . import kicad9_pcb as k9
from . import parts_catalog
from . import router as rt

ORIGIN = (20.0, 20.0)            # board (0,0) on the KiCad page
POWER_NETS = ("GND", "VCC")
WIDTH = {"sig": 0.25, "pwr": 0.5}


def check_courtyards(parts, pos, board_w):
    boxes = []
    for p in parts:
        fp = fpl.FOOTPRINTS[p.footprint]()
        x0, y0, x1, y1 = fpl.courtyard_box(fp)
        ox, oy = pos[p.ref]
        boxes.append((p.ref, ox + x0, oy + y0, ox + x1, oy + y1))
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                bad.append((a[0], b[0]))
    for r, x0, y0, x1, y1 in boxes:
        if x0 < 0 or x1 > board_w or y0 < 0:
            if not r.startswith("J") or x0 < 0 or x1 > board_w:
                bad.append((r, "board edge"))
    if bad:
        raise SystemExit("courtyard overlaps: %s" % bad)


def pad_table(parts, pos):
    """Every pad with its absolute position and net: (ref, pin, x, y, shape, size, drill, net)."""
    out = []
    for p in parts:
        fp = fpl.FOOTPRINTS[p.footprint]()
        ox, oy = pos[p.ref]
        for (num, x, y, shape, size, drill) in fp["pads"]:
            out.append((p.ref, num, ox + x, oy + y, shape, size, drill, p.pins.get(num)))
    return out


def route_board(parts, pos, size, order_hint=None, verbose=True):
    pads = pad_table(parts, pos)
    nets = sorted({pd[7] for pd in pads if pd[7]})
    net_id = {n: i + 1 for i, n in enumerate(nets)}
    r = rt.Router(size[0], size[1], WIDTH)
    for (ref, num, x, y, shape, size, drill, net) in pads:
        r.add_obstacle(net_id.get(net), "square" if shape == "rect" else "circle", x, y, size,
                       (0, 1), offgrid=True, drill=drill)
    by_net = {}
    for pd in pads:
        if pd[7]:
            by_net.setdefault(pd[7], []).append(pd)

    def span(n):
        xs = [pd[2] for pd in by_net[n]]
        ys = [pd[3] for pd in by_net[n]]
        return (max(xs) - min(xs)) + (max(ys) - min(ys))
    order = [n for n in POWER_NETS] + sorted((n for n in nets if n not in POWER_NETS), key=span)
    if order_hint:
        order = [n for n in order_hint if n in by_net] + [n for n in order if n not in order_hint]
    failed = []
    stubs = []      # (net, layer, from_xy, to_cell)
    for n in order:
        nid = net_id[n]
        cls = "pwr" if n in POWER_NETS else "sig"
        width = WIDTH[cls]
        pl = by_net[n]
        cells = [r.pad_cells("square" if pd[4] == "rect" else "circle", pd[2], pd[3], pd[5]) for pd in pl]
        for i, cs in enumerate(cells):
            if not cs:
                raise SystemExit("pad %s.%s has no grid cell inside" % (pl[i][0], pl[i][1]))
        tree = set((l, c) for l in (0, 1) for c in cells[0])
        done = [0]
        todo = list(range(1, len(pl)))
        while todo:
            # Prim: the unconnected pad nearest to a connected one
            best = None
            for i in todo:
                for j in done:
                    d = math.hypot(pl[i][2] - pl[j][2], pl[i][3] - pl[j][3])
                    if best is None or d < best[0]:
                        best = (d, i, j)
            _, i, j = best
            todo.remove(i)
            src = set((l, c) for l in (0, 1) for c in cells[i])
            if src & tree:
                done.append(i)
                tree |= src
                continue
            path = r.route(nid, cls, src, tree, (pl[j][2], pl[j][3]))
            if path is None:
                failed.append((n, pl[i][0] + "." + pl[i][1]))
                continue
            r.commit(nid, width, path)
            done.append(i)
            tree |= src
            tree |= set(path)
            # stubs from pad centres to the grid cells the path starts / ends on
            for node in (path[0], path[-1]):
                for k, cs in enumerate(cells):
                    if node[1] in cs:
                        stubs.append((nid, node[0], (pl[k][2], pl[k][3]), node[1], width))
                        break
        if verbose:
            print("  routed %-10s %3d pads%s" % (n, len(pl), "" if not failed or failed[-1][0] != n else "  FAILED"),
                  file=sys.stderr)
    return r, net_id, failed, stubs


def segments_from(r, stubs, net_id):
    """Merge unit grid edges into straight segments, broken at junctions, vias and stubs."""
    inv = {v: k for k, v in net_id.items()}
    segs = []
    vias = []
    for nid, edges in r.tracks.items():
        adj = {}
        for a, b in edges:
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, []).append(a)
        breakers = set()
        for node, nb in adj.items():
            if len(nb) != 2:
                breakers.add(node)
            else:
                (l, c) = node
                d1 = nb[0][1] - c
                d2 = c - nb[1][1]
                if d1 != d2:
                    breakers.add(node)
        for c in r.vias.get(nid, ()):
            breakers.add((0, c))
            breakers.add((1, c))
        for s in stubs:
            if s[0] == nid:
                breakers.add((s[1], s[3]))
        seen = set()
        for a, b in sorted(edges):
            if (a, b) in seen:
                continue
            # walk from a breaker-free edge to both ends
            chain = [a, b]
            seen.add((a, b))
            for end in (0, 1):
                while True:
                    node = chain[-1] if end == 1 else chain[0]
                    if node in breakers:
                        break
                    nbs = [x for x in adj[node] if x not in chain]
                    if len(nbs) != 1:
                        break
                    nxt = nbs[0]
                    e = (node, nxt) if node < nxt else (nxt, node)
                    seen.add(e)
                    if end == 1:
                        chain.append(nxt)
                    else:
                        chain.insert(0, nxt)
            l = chain[0][0]
            x1, y1 = r.xy(chain[0][1])
            x2, y2 = r.xy(chain[-1][1])
            width = WIDTH["pwr"] if inv[nid] in POWER_NETS else WIDTH["sig"]
            segs.append((nid, l, x1, y1, x2, y2, width))
        for c in sorted(r.vias.get(nid, ())):
            x, y = r.xy(c)
            vias.append((nid, x, y))
    for (nid, l, (px, py), c, width) in stubs:
        x, y = r.xy(c)
        if math.hypot(px - x, py - y) > 1e-6:
            segs.append((nid, l, px, py, x, y, width))
    return segs, vias


# ---- writing the KiCad files ------------------------------------------------------------------
def _xy(x, y):
    return (x + ORIGIN[0], y + ORIGIN[1])


def write_pcb(path, lay, parts, pos, net_id, segs, vias):
    fps = [k9.footprint_node(p.footprint, p.ref, p.value, p.desc, p.ref, at=_xy(*pos[p.ref]),
                             pin_nets=p.pins, net_id=net_id) for p in parts]
    corners = [(0, 0), (lay.width, 0), (lay.width, lay.height), (0, lay.height)]
    graphics = [k9.gr_line(_xy(*a), _xy(*b), "Edge.Cuts", 0.1, ("edge", a))
                for a, b in zip(corners, corners[1:] + corners[:1])]
    for k, (text, at) in enumerate(lay.texts()):
        graphics.append(k9.gr_text(text, _xy(*at), "F.SilkS", 1.5, ("title",) if k == 0 else ("port", k - 1)))
    layer = {0: "F.Cu", 1: "B.Cu"}
    segments = [(nid, layer[l], *_xy(x1, y1), *_xy(x2, y2), w) for (nid, l, x1, y1, x2, y2, w) in segs]
    vs = [(nid, *_xy(x, y), rt.VIA_D, rt.VIA_DRILL) for (nid, x, y) in vias]
    nets = [n for n, _ in sorted(net_id.items(), key=lambda kv: kv[1])]
    k9.write_sexpr(path, k9.board_node(
        lay.title,
        "Generated by hw/tools/gen_hub_board.py from hw/tools/hub_design.py - do not edit by hand",
        "A3" if lay.width < 380 else "A2", nets, fps, graphics, segments, vs))


def write_project(outdir, stem, parts):
    """.kicad_pro, the project-local library tables and the footprint library."""
    with open(os.path.join(outdir, stem + ".kicad_pro"), "w", encoding="utf-8") as f:
        f.write(k9.project_json(stem, POWER_NETS, WIDTH, rt.EDGE_CLEAR))
    with open(os.path.join(outdir, "fp-lib-table"), "w", encoding="utf-8") as f:
        f.write(k9.lib_table("fp_lib_table", "papers", "${KIPRJMOD}/papers.pretty",
                             "footprints of the PAPERS boards (generated)"))
    with open(os.path.join(outdir, "sym-lib-table"), "w", encoding="utf-8") as f:
        f.write(k9.lib_table("sym_lib_table", "papers", "${KIPRJMOD}/papers.kicad_sym",
                             "symbols of the PAPERS boards (generated)"))
    k9.write_library(os.path.join(outdir, "papers.pretty"), [p.footprint for p in parts])


def generate(lay, out, compare=None):
    t0 = time.time()
    parts = lay.build()
    pos = lay.place(parts)
    check_courtyards(parts, pos, lay.width)
    hint = lay.route_first(parts) or None
    for attempt in range(6):
        r, net_id, failed, stubs = route_board(parts, pos, (lay.width, lay.height), hint)
        print("attempt %d: %d connections failed %s (%.0f s)" % (attempt, len(failed), failed[:8], time.time() - t0),
              file=sys.stderr)
        if not failed:
            break
        bad = []
        for n, _ in failed:
            if n not in bad:
                bad.append(n)
        hint = [n for n in hub_design_power_first(bad)] + [n for n in (hint or []) if n not in bad]
    if failed:
        raise SystemExit("routing failed: %s" % failed)
    segs, vias = segments_from(r, stubs, net_id)
    os.makedirs(out, exist_ok=True)
    pcb = os.path.join(out, lay.stem + ".kicad_pcb")
    write_pcb(pcb, lay, parts, pos, net_id, segs, vias)
    write_project(out, lay.stem, parts)
    from . import gen_schematic
    gen_schematic.write(out, parts, catalog=parts_catalog.fields, project=lay.stem, title=lay.title)
    with open(os.path.join(out, "BOM.md"), "w", encoding="utf-8") as f:
        f.write(parts_catalog.bom_markdown(parts, lay.nports, lay.title.split(",")[0] + ", %d ports" % lay.nports,
                                           (lay.width, lay.height)))
    print("wrote %s: %d parts, %d nets, %d segments, %d vias (%.0f s)" % (
        pcb, len(parts), len(net_id), len(segs), len(vias), time.time() - t0))
    if compare:
        diff = compare_trees(out, compare)
        if diff:
            raise SystemExit("FAIL: %s in %s differ from the generator's output (regenerate with "
                             "cd hw && python3 -m tools.gen_hub_board --board %s)" % (diff, compare, lay.stem))
        print("PASS board_generated: the committed files are the generator's output")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--board", choices=sorted(LAYOUTS), action="append",
                    help="which board (default: all); writes hw/<board>/")
    ap.add_argument("--out", help="output directory (one --board only; default hw/<board>)")
    ap.add_argument("--compare", metavar="DIR",
                    help="after generating into --out, fail unless the files equal those in DIR "
                         "(the committed board is the generator's output)")
    args = ap.parse_args()
    boards = args.board or sorted(LAYOUTS)
    if (args.out or args.compare) and len(boards) != 1:
        ap.error("--out and --compare need exactly one --board")
    for b in boards:
        generate(LAYOUTS[b], args.out or os.path.normpath(os.path.join(HERE, "..", b)), args.compare)


GENERATED = (".kicad_pcb", ".kicad_pro", ".kicad_sch", ".kicad_sym", ".kicad_mod", "-lib-table", "BOM.md")


def compare_trees(out, committed):
    """Generated files that differ, are missing from, or are extra in `committed`."""
    def files(root):
        found = set()
        for d, _, names in os.walk(root):
            for n in names:
                if n.endswith(GENERATED):
                    found.add(os.path.relpath(os.path.join(d, n), root))
        return found
    a, b = files(out), files(committed)
    diff = sorted((a ^ b))
    for name in sorted(a & b):
        with open(os.path.join(out, name), "rb") as x, open(os.path.join(committed, name), "rb") as y:
            if x.read() != y.read():
                diff.append(name)
    return diff


def hub_design_power_first(nets):
    return [n for n in POWER_NETS if n in nets] + [n for n in nets if n not in POWER_NETS]


if __name__ == "__main__":
    main()
