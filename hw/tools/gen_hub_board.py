#!/usr/bin/python3
"""gen_hub_board.py -- generate the PAPERS hub board (hw/papers-hub/) from hub_design.py.

Run with Debian's /usr/bin/python3 (KiCad 6's pcbnew module lives there), as a
module of the hw/tools package, from hw/:
    cd hw && /usr/bin/python3 -m tools.gen_hub_board [--out papers-hub]
It places the parts, routes the board on two layers (router.py), writes the
.kicad_pcb as S-expressions, then loads and re-saves it with pcbnew so the
committed file is exactly what KiCad 6.0 writes (format 20211014), writes the
.kicad_pro (net classes) and the .kicad_sch (symbols + net labels), and prints a
routing summary.  The output is deterministic: same design, same files.
"""
import argparse
import json
import math
import os
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

from . import footprints as fpl
from . import hub_design
from . import router as rt

BOARD_W, BOARD_H = 232.0, 150.0
ORIGIN = (20.0, 20.0)            # board (0,0) on the KiCad page
POWER_NETS = ("GND", "VCC")
WIDTH = {"sig": 0.25, "pwr": 0.5}
CONN_PIN1_X = [47.0, 104.0, 161.0, 218.0]
CONN_PIN1_Y = BOARD_H - 9.9       # the DB-25's pins sit 9.9 mm from the board edge
CORE_X = [30.0, 51.0, 72.0, 93.0, 114.0, 135.0, 156.0, 177.0, 198.0]
CORE_Y = 16.0
PORT_Y = 62.0


def place(parts):
    """Board position (x, y) of every footprint origin (rotation is always 0)."""
    pos = {}
    for p in parts:
        g = p.group
        if g[0] == "port":
            port, what = g[1], g[2]
            cx = CONN_PIN1_X[port] - 16.62
            pos[p.ref] = {
                "conn": (CONN_PIN1_X[port], CONN_PIN1_Y),
                "rn": (cx - 7.5, 128.0),
                "jp": (cx + 16.0, 120.0),
                "u244": (cx - 22.0, PORT_Y),
                "u14": (cx - 4.0, PORT_Y),
                "u00": (cx - 4.0, PORT_Y),
                "u32": (cx + 13.0, PORT_Y),
                "rs": (cx - 4.0, 112.0),
                "cs": (cx + 9.0, 112.0),
                "rled": (cx - 24.0, 104.0),
                "led": (cx - 24.0, 120.0),
            }[what]
        elif g[0] == "core":
            if len(g) == 2:
                pos[p.ref] = (CORE_X[g[1]], CORE_Y)
            else:
                x = CORE_X[g[1]]
                pos[p.ref] = {"rg": (x - 7.0, 40.0), "cg": (x + 6.0, 40.0),
                              "rpor": (x - 7.0, 48.0), "cpor": (x + 7.0, 48.0)}[g[2]]
        elif g[0] == "power":
            pos[p.ref] = (6.0, 10.0) if p.ref.startswith("J") else (8.0, 22.0)
    for p in parts:
        if p.group[0] == "decap":
            cx, cy = pos[p.group[1]]
            pos[p.ref] = (cx + 1.31, cy - 3.6)
    return pos


def check_courtyards(parts, pos):
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
        if x0 < 0 or x1 > BOARD_W or y0 < 0:
            if not r.startswith("J") or x0 < 0 or x1 > BOARD_W:
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


def route_board(parts, pos, order_hint=None, verbose=True):
    pads = pad_table(parts, pos)
    nets = sorted({pd[7] for pd in pads if pd[7]})
    net_id = {n: i + 1 for i, n in enumerate(nets)}
    r = rt.Router(BOARD_W, BOARD_H, WIDTH)
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


# ---- writing the .kicad_pcb ---------------------------------------------------------------
_NS = uuid.UUID("0b6f2a3e-51c4-4f7e-8d2a-9c1e7b3d5a11")


def _ts(*names):
    """Deterministic tstamp, so that regenerating an unchanged design changes no byte."""
    return "(tstamp %s)" % uuid.uuid5(_NS, "/".join(str(n) for n in names))


def _f(v):
    s = ("%.4f" % v).rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _xy(x, y):
    return "%s %s" % (_f(x + ORIGIN[0]), _f(y + ORIGIN[1]))


def footprint_sexpr(p, at, net_id):
    fp = fpl.FOOTPRINTS[p.footprint]()
    ox, oy = at
    o = []
    o.append('  (footprint "%s" (layer "F.Cu") %s (at %s)' % (fp["lib"], _ts(p.ref), _xy(ox, oy)))
    o.append('    (descr "%s")' % fp["descr"])
    o.append('    (property "Description" "%s")' % p.desc)
    o.append('    (attr %s)' % fp["attr"])
    rx, ry, ra = fp["ref"]
    rs = fp.get("ref_size", 1.0)
    o.append('    (fp_text reference "%s" (at %s %s%s) (layer "F.SilkS")' % (
        p.ref, _f(rx), _f(ry), (" %d" % ra) if ra else ""))
    o.append('      (effects (font (size %s %s) (thickness %s))) %s)' % (_f(rs), _f(rs), _f(rs * 0.15), _ts(p.ref, "ref")))
    o.append('    (fp_text value "%s" (at %s %s%s) (layer "F.Fab")' % (
        p.value, _f(rx), _f(ry + (1.5 if not ra else 0)), (" %d" % ra) if ra else ""))
    o.append('      (effects (font (size 0.8 0.8) (thickness 0.12))) %s)' % _ts(p.ref, "value"))
    for layer, lines, wd in (("F.SilkS", fp["silk"], 0.12), ("F.Fab", fp["fab"], 0.1),
                             ("F.CrtYd", fp["court"], 0.05)):
        for k, (x1, y1, x2, y2) in enumerate(lines):
            o.append('    (fp_line (start %s %s) (end %s %s) (layer "%s") (width %s) %s)' % (
                _f(x1), _f(y1), _f(x2), _f(y2), layer, _f(wd), _ts(p.ref, layer, k)))
    for k, (cx, cy, rr) in enumerate(fp["circles"]):
        o.append('    (fp_circle (center %s %s) (end %s %s) (layer "F.SilkS") (width 0.12) (fill none) %s)' % (
            _f(cx), _f(cy), _f(cx + rr), _f(cy), _ts(p.ref, "circle", k)))
    for k, (num, x, y, shape, size, drill) in enumerate(fp["pads"]):
        net = p.pins.get(num)
        netstr = ' (net %d "%s")' % (net_id[net], net) if net else ""
        o.append('    (pad "%s" thru_hole %s (at %s %s) (size %s %s) (drill %s) (layers *.Cu *.Mask)%s %s)' % (
            num, shape, _f(x), _f(y), _f(size), _f(size), _f(drill), netstr, _ts(p.ref, "pad", k)))
    o.append('  )')
    return "\n".join(o)


def write_pcb(path, parts, pos, net_id, segs, vias):
    o = ['(kicad_pcb (version 20211014) (generator pcbnew)',
         '  (general (thickness 1.6))',
         '  (paper "A3")',
         '  (title_block (title "PAPERS hub, 4 ports, hub protocol 1") (rev "1") (company "papers project")',
         '    (comment 1 "Generated by hw/tools/gen_hub_board.py from hw/tools/hub_design.py - do not edit by hand"))',
         '  (layers (0 "F.Cu" signal) (31 "B.Cu" signal) (32 "B.Adhes" user "B.Adhesive")',
         '    (33 "F.Adhes" user "F.Adhesive") (34 "B.Paste" user) (35 "F.Paste" user)',
         '    (36 "B.SilkS" user "B.Silkscreen") (37 "F.SilkS" user "F.Silkscreen") (38 "B.Mask" user)',
         '    (39 "F.Mask" user) (40 "Dwgs.User" user "User.Drawings") (41 "Cmts.User" user "User.Comments")',
         '    (42 "Eco1.User" user "User.Eco1") (43 "Eco2.User" user "User.Eco2") (44 "Edge.Cuts" user)',
         '    (45 "Margin" user) (46 "B.CrtYd" user "B.Courtyard") (47 "F.CrtYd" user "F.Courtyard")',
         '    (48 "B.Fab" user) (49 "F.Fab" user))',
         '  (setup (pad_to_mask_clearance 0))',
         '  (net 0 "")']
    for n, i in sorted(net_id.items(), key=lambda kv: kv[1]):
        o.append('  (net %d "%s")' % (i, n))
    for p in parts:
        o.append(footprint_sexpr(p, pos[p.ref], net_id))
    corners = [(0, 0), (BOARD_W, 0), (BOARD_W, BOARD_H), (0, BOARD_H)]
    for a, b in zip(corners, corners[1:] + corners[:1]):
        o.append('  (gr_line (start %s) (end %s) (layer "Edge.Cuts") (width 0.1) %s)' % (_xy(*a), _xy(*b), _ts("edge", a)))
    o.append('  (gr_text "PAPERS hub v1  4 ports  hub protocol 1" (at %s) (layer "F.SilkS")' % _xy(160.0, 52.0))
    o.append('    (effects (font (size 1.5 1.5) (thickness 0.25))) %s)' % _ts("title"))
    for p in range(hub_design.NPORTS):
        o.append('  (gr_text "PORT %d" (at %s) (layer "F.SilkS")' % (p, _xy(CONN_PIN1_X[p] - 16.62, 134.0)))
        o.append('    (effects (font (size 1.5 1.5) (thickness 0.25))) %s)' % _ts("port", p))
    layer = {0: "F.Cu", 1: "B.Cu"}
    for k, (nid, l, x1, y1, x2, y2, w) in enumerate(segs):
        o.append('  (segment (start %s) (end %s) (width %s) (layer "%s") (net %d) %s)' % (
            _xy(x1, y1), _xy(x2, y2), _f(w), layer[l], nid, _ts("seg", k)))
    for k, (nid, x, y) in enumerate(vias):
        o.append('  (via (at %s) (size %s) (drill %s) (layers "F.Cu" "B.Cu") (net %d) %s)' % (
            _xy(x, y), _f(rt.VIA_D), _f(rt.VIA_DRILL), nid, _ts("via", k)))
    o.append(')')
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


def normalise_with_pcbnew(path):
    """Load and save with KiCad 6's own writer, then set the project's net classes."""
    import pcbnew
    board = pcbnew.LoadBoard(path)
    pcbnew.SaveBoard(path, board)
    base = os.path.splitext(path)[0]
    prl = base + ".kicad_prl"
    if os.path.exists(prl):
        os.remove(prl)            # local UI state, not part of the design
    pro = base + ".kicad_pro"
    with open(pro) as f:
        cfg = json.load(f)
    classes = cfg["net_settings"]["classes"]
    default = dict(classes[0])
    power = dict(default)
    power.update(name="Power", track_width=WIDTH["pwr"], nets=list(POWER_NETS))
    cfg["net_settings"]["classes"] = [default, power]
    cfg["board"]["design_settings"]["rules"]["min_copper_edge_clearance"] = rt.EDGE_CLEAR
    with open(pro, "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.normpath(os.path.join(HERE, "..", "papers-hub")))
    ap.add_argument("--no-pcbnew", action="store_true", help="skip the KiCad normalisation")
    ap.add_argument("--compare", metavar="DIR",
                    help="after generating into --out, fail unless the files equal those in DIR "
                         "(the committed board is the generator's output)")
    args = ap.parse_args()
    t0 = time.time()
    parts = hub_design.build()
    pos = place(parts)
    check_courtyards(parts, pos)
    hint = None
    for attempt in range(6):
        r, net_id, failed, stubs = route_board(parts, pos, hint)
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
    os.makedirs(args.out, exist_ok=True)
    pcb = os.path.join(args.out, "papers-hub.kicad_pcb")
    write_pcb(pcb, parts, pos, net_id, segs, vias)
    if not args.no_pcbnew:
        normalise_with_pcbnew(pcb)
    try:
        from . import gen_schematic
    except ImportError:
        gen_schematic = None
    if gen_schematic:
        gen_schematic.write(os.path.join(args.out, "papers-hub.kicad_sch"), parts)
    print("wrote %s: %d parts, %d nets, %d segments, %d vias (%.0f s)" % (
        pcb, len(parts), len(net_id), len(segs), len(vias), time.time() - t0))
    if args.compare:
        diff = []
        for name in ("papers-hub.kicad_pcb", "papers-hub.kicad_pro", "papers-hub.kicad_sch"):
            with open(os.path.join(args.out, name), "rb") as a, open(os.path.join(args.compare, name), "rb") as b:
                if a.read() != b.read():
                    diff.append(name)
        if diff:
            raise SystemExit("FAIL: %s in %s differ from the generator's output (regenerate with "
                             "cd hw && /usr/bin/python3 -m tools.gen_hub_board)" % (diff, args.compare))
        print("PASS board_generated: the committed files are the generator's output")


def hub_design_power_first(nets):
    return [n for n in POWER_NETS if n in nets] + [n for n in nets if n not in POWER_NETS]


if __name__ == "__main__":
    main()
