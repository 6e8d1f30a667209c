"""kicad9_pcb.py -- KiCad 9 board, footprint library and project files, written directly.

The generator writes the files itself (stdlib only) in the layout KiCad 9.0 writes them
(format 20241229, tabs, one sub-list per line), so the committed files depend on the
design source alone and not on which KiCad happens to be installed.  kicad-cli reads
them for DRC and the fabrication exports.

Footprints come from footprints.py.  The same footprint text goes into the board and into
the project-local library papers.pretty (fp-lib-table points at it with ${KIPRJMOD}), so
KiCad's "footprint differs from library" check compares like with like.
"""
import json
import uuid

from . import footprints as fpl
from .sexpr import Sym, dumps

PCB_VERSION = 20241229
GENERATOR = [["generator", "pcbnew"], ["generator_version", "9.0"]]
_NS = uuid.UUID("0b6f2a3e-51c4-4f7e-8d2a-9c1e7b3d5a11")

# KiCad 9 layer ids (copper even, F.Cu 0, B.Cu 2; technical layers odd)
LAYERS = [(0, "F.Cu", "signal"), (2, "B.Cu", "signal"), (9, "F.Adhes", "user", "F.Adhesive"),
          (11, "B.Adhes", "user", "B.Adhesive"), (13, "F.Paste", "user"), (15, "B.Paste", "user"),
          (5, "F.SilkS", "user", "F.Silkscreen"), (7, "B.SilkS", "user", "B.Silkscreen"),
          (1, "F.Mask", "user"), (3, "B.Mask", "user"), (17, "Dwgs.User", "user", "User.Drawings"),
          (19, "Cmts.User", "user", "User.Comments"), (21, "Eco1.User", "user", "User.Eco1"),
          (23, "Eco2.User", "user", "User.Eco2"), (25, "Edge.Cuts", "user"), (27, "Margin", "user"),
          (31, "F.CrtYd", "user", "F.Courtyard"), (29, "B.CrtYd", "user", "B.Courtyard"),
          (35, "F.Fab", "user"), (33, "B.Fab", "user")]


def uid(*names):
    """Deterministic uuid, so that regenerating an unchanged design changes no byte."""
    return ["uuid", str(uuid.uuid5(_NS, "/".join(str(n) for n in names)))]


def _stroke(width):
    return ["stroke", ["width", float(width)], ["type", Sym("solid")]]


def _font(size, thickness):
    return ["effects", ["font", ["size", float(size), float(size)], ["thickness", float(thickness)]]]


def _prop(name, value, at, layer, key, size=1.27, thick=0.15, hide=False):
    node = ["property", name, value, ["at"] + [float(a) for a in at], ["layer", layer]]
    if hide:
        node.append(["hide", True])
    node += [uid(*key), _font(size, thick)]
    return node


def footprint_node(fpname, ref, value, desc, key, at=None, pin_nets=None, net_id=None):
    """A footprint: on the board (`at`, pad nets) or, with at=None, as library text."""
    fp = fpl.FOOTPRINTS[fpname]()
    libname = fp["lib"].split(":", 1)[1]
    node = ["footprint", fp["lib"] if at else libname]
    if not at:
        node += [["version", PCB_VERSION]] + GENERATOR
    node.append(["layer", "F.Cu"])
    if at:
        node += [uid(key), ["at", float(at[0]), float(at[1])]]
    node.append(["descr", fp["descr"]])
    rx, ry, ra = fp["ref"]
    rs = fp.get("ref_size", 1.0)
    node.append(_prop("Reference", ref, (rx, ry, ra), "F.SilkS", (key, "ref"), rs, rs * 0.15))
    node.append(_prop("Value", value, (rx, ry + (1.5 if not ra else 0), ra), "F.Fab", (key, "value"),
                      0.8, 0.12))
    node.append(_prop("Datasheet", "", (0, 0, 0), "F.Fab", (key, "datasheet"), hide=True))
    node.append(_prop("Description", desc, (0, 0, 0), "F.Fab", (key, "description"), hide=True))
    node.append(["attr", Sym(fp["attr"])])
    for layer, lines, wd in (("F.SilkS", fp["silk"], 0.12), ("F.Fab", fp["fab"], 0.1),
                             ("F.CrtYd", fp["court"], 0.05)):
        for k, (x1, y1, x2, y2) in enumerate(lines):
            node.append(["fp_line", ["start", float(x1), float(y1)], ["end", float(x2), float(y2)],
                         _stroke(wd), ["layer", layer], uid(key, layer, k)])
    for k, (cx, cy, rr) in enumerate(fp["circles"]):
        node.append(["fp_circle", ["center", float(cx), float(cy)], ["end", float(cx + rr), float(cy)],
                     _stroke(0.12), ["fill", False], ["layer", "F.SilkS"], uid(key, "circle", k)])
    for k, (num, x, y, shape, size, drill) in enumerate(fp["pads"]):
        pad = ["pad", num, Sym("thru_hole"), Sym(shape), ["at", float(x), float(y)],
               ["size", float(size), float(size)], ["drill", float(drill)], ["layers", "*.Cu", "*.Mask"],
               ["remove_unused_layers", False]]
        net = (pin_nets or {}).get(num)
        if net:
            pad.append(["net", net_id[net], net])
        pad.append(uid(key, "pad", k))
        node.append(pad)
    node.append(["embedded_fonts", False])
    return node


def board_node(title, comment, paper, nets, footprints, graphics, segments, vias):
    """The whole .kicad_pcb: `nets` in id order, `footprints` from footprint_node,
    `graphics` gr_line / gr_text nodes, `segments` (net_id, layer, x1, y1, x2, y2, width),
    `vias` (net_id, x, y, size, drill); coordinates in page mm."""
    node = ["kicad_pcb", ["version", PCB_VERSION]] + GENERATOR
    node.append(["general", ["thickness", 1.6], ["legacy_teardrops", False]])
    node.append(["paper", paper])
    node.append(["title_block", ["title", title], ["rev", "2"], ["company", "papers project"],
                 ["comment", 1, comment]])
    node.append(["layers"] + [[lid, name, Sym(kind)] + list(rest) for lid, name, kind, *rest in LAYERS])
    node.append(["setup", ["pad_to_mask_clearance", 0], ["allow_soldermask_bridges_in_footprints", False],
                 ["tenting", Sym("front"), Sym("back")]])
    node.append(["net", 0, ""])
    for i, n in enumerate(nets):
        node.append(["net", i + 1, n])
    node += footprints
    node += graphics
    for k, (nid, layer, x1, y1, x2, y2, w) in enumerate(segments):
        node.append(["segment", ["start", float(x1), float(y1)], ["end", float(x2), float(y2)],
                     ["width", float(w)], ["layer", layer], ["net", nid], uid("seg", k)])
    for k, (nid, x, y, size, drill) in enumerate(vias):
        node.append(["via", ["at", float(x), float(y)], ["size", float(size)], ["drill", float(drill)],
                     ["layers", "F.Cu", "B.Cu"], ["net", nid], uid("via", k)])
    node.append(["embedded_fonts", False])
    return node


def gr_line(a, b, layer, width, key):
    return ["gr_line", ["start", float(a[0]), float(a[1])], ["end", float(b[0]), float(b[1])],
            _stroke(width), ["layer", layer], uid(*key)]


def gr_text(text, at, layer, size, key):
    return ["gr_text", text, ["at", float(at[0]), float(at[1]), 0], ["layer", layer], uid(*key),
            _font(size, size / 6)]


def write_sexpr(path, node):
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(node) + "\n")


def write_library(pretty_dir, fpnames):
    """The project-local footprint library: one .kicad_mod per footprint used."""
    import os
    os.makedirs(pretty_dir, exist_ok=True)
    for name in sorted(set(fpnames)):
        node = footprint_node(name, "REF**", fpl.FOOTPRINTS[name]()["lib"].split(":", 1)[1],
                              "", "lib")
        write_sexpr(os.path.join(pretty_dir, node[1] + ".kicad_mod"), node)


def lib_table(kind, name, uri, descr):
    """fp-lib-table / sym-lib-table with the one project-local library."""
    return dumps([kind, ["version", 7],
                  ["lib", ["name", name], ["type", "KiCad"], ["uri", uri], ["options", ""],
                   ["descr", descr]]]) + "\n"


def project_json(name, power_nets, widths, edge_clearance):
    """The .kicad_pro: net classes and the design rules DRC runs with (KiCad fills in the rest)."""
    sig = dict(name="Default", clearance=0.2, track_width=widths["sig"], via_diameter=0.8,
               via_drill=0.4, microvia_diameter=0.3, microvia_drill=0.1, diff_pair_width=0.2,
               diff_pair_gap=0.25, diff_pair_via_gap=0.25, wire_width=6, bus_width=12,
               line_style=0, pcb_color="rgba(0, 0, 0, 0.000)",
               schematic_color="rgba(0, 0, 0, 0.000)", priority=2147483647)
    pwr = dict(sig, name="Power", track_width=widths["pwr"], priority=0)
    cfg = {
        "board": {"design_settings": {
            "defaults": {},
            "rules": {"min_clearance": 0.2, "min_track_width": 0.2, "min_via_diameter": 0.5,
                      "min_through_hole_diameter": 0.3, "min_copper_edge_clearance": edge_clearance,
                      "min_hole_to_hole": 0.25, "min_hole_clearance": 0.25},
        }},
        "meta": {"filename": name + ".kicad_pro", "version": 3},
        "net_settings": {
            "classes": [sig, pwr],
            "meta": {"version": 4},
            "netclass_assignments": None,
            "netclass_patterns": [{"netclass": "Power", "pattern": n} for n in power_nets],
        },
        "schematic": {"legacy_lib_dir": "", "legacy_lib_list": []},
        "sheets": [],
        "text_variables": {},
    }
    return json.dumps(cfg, indent=2, sort_keys=True) + "\n"
