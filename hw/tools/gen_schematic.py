"""gen_schematic.py -- the hub's hierarchical KiCad 9 schematic, from hub_design.py.

Sheets (the root shows them as blocks joined by labelled wires):
  Power        screw terminal, power flags, bulk capacitor, every chip's supply unit with its
               100 nF capacitor, the spare gates (inputs grounded)
  Port         one port: DB-25, pull-downs, enable jumper, S settling delay, the disable gates,
               the status/LED driver and LED -- ONE sheet file, instantiated once per port
  Combine      ALL1 / ALL0 (AND of the strobe terms) and the NAND nybble tree
  State        the C-element (G), the R latch clocked by both edges of G, the G output delay,
               the power-on reset
Gates are drawn one per symbol unit (sch_symbols.py), so a 74HC14 whose gates serve two ports
shows up on both port sheets with the right unit per instance.  Each sheet is laid out in
columns by signal flow and wired where a drawing would use wires (sch_sheet.py).
The board's netlist and KiCad's netlist of this schematic are compared by board_check.py.
"""
import os
import re

from . import sch_sheet as sh
from . import sch_symbols as ss
from .logic_parts import PARTS
from .sexpr import dumps

PROJECT = "papers-hub"
G = ss.G
PORT_COLUMNS = [["conn"], ["XE0", "XE1", "XE2", "XE3", "rs", "rn", "jp"], ["SDn", "cs"], ["SE1", "SD"],
                ["SE0", "ENn"], ["u244"], ["rled"], ["led"]]
STATE_COLUMNS = [["ALL1n", "ALL0n", "rpor"], ["SETn", "RSTn", "cpor", "POR"], ["G", "Gn", "PORn"],
                 ["QR", "QF", "rg"], ["mux", "cg", "GDn"], ["GO"]]
COMBINE_COLUMNS = [["ALL1", "ALL0", "RD0", "RD1", "RD2", "RD3"]]
# the tree module (hub_design.build(8, link=True))
COMBINE8_COLUMNS = [["N1", "N0", "NX0", "NX1", "NX2", "NX3"], ["A1L", "A0L", "XAL0", "XAL1", "XAL2", "XAL3"],
                    ["T1n", "T0n", "RD0", "RD1", "RD2", "RD3"], ["ALL1", "ALL0", "UXA0", "UXA1", "UXA2", "UXA3"]]
STATE8_COLUMNS = [["SETn", "RSTn", "rpor"], ["G", "Gn", "cpor", "POR"], ["QR", "QF", "PORn"], ["mux_RL0"],
                  ["mux", "mux_GS"], ["rg"], ["cg", "GDn"], ["GO"]]
LINK_COLUMNS = [["jr", "rn"], ["UP"], ["DOWN1", "DOWN2"], ["rnc1", "rnc2"]]
PLANS = {
    False: [("combine", "PAPERS hub: ALL1, ALL0, NAND nybble", COMBINE_COLUMNS),
            ("state", "PAPERS hub: C-element, R latch, delays, reset", STATE_COLUMNS)],
    True: [("combine", "Tree module: combine ports and children", COMBINE8_COLUMNS),
           ("state", "Tree module: C-element, R latch, root select, delays", STATE8_COLUMNS),
           ("link", "Tree module: links UP, DOWN1, DOWN2 and ROOT jumper", LINK_COLUMNS)],
}
STATUS = {"R0", "R1", "R2", "R3", "G"}     # a port's own status pins get the suffix _OUT locally


class Unit:
    """One drawable symbol unit of a board part, with its pin -> net map."""

    def __init__(self, part, sd, unit, nets, key, sheet, port=None):
        self.part, self.sd, self.unit, self.nets, self.key = part, sd, unit, nets, key
        self.sheet, self.port = sheet, port


def _fields(part, catalog):
    from .footprints import FOOTPRINTS
    f = {"Value": part.value, "Footprint": FOOTPRINTS[part.footprint]()["lib"], "Description": part.desc,
         "Datasheet": ""}
    f.update(catalog(part))
    return f


def units_of(parts, combine_names):
    """Every symbol unit of the design, assigned to a sheet and a key within it."""
    out = []
    for part in parts:
        sd = ss.for_part(part)
        g = part.group
        port = g[1] if g[0] == "port" else None
        if ss.is_gate_chip(part.value):
            spec = PARTS[part.value]
            for k, el in enumerate(spec["elements"]):
                pins = el["inputs"] + el["outputs"]
                nets = {p: part.pins.get(p) for p in pins}
                out_net = part.pins.get(el["outputs"][0])
                if out_net is None:
                    out.append(Unit(part, sd, k + 1, nets, "spare_%s_%d" % (part.ref, k + 1), "power"))
                    continue
                m = re.fullmatch(r"P(\d+)_(.+)", out_net)
                if m:
                    out.append(Unit(part, sd, k + 1, nets, m.group(2), "port", int(m.group(1))))
                elif out_net in combine_names:
                    out.append(Unit(part, sd, k + 1, nets, out_net, "combine"))
                else:
                    out.append(Unit(part, sd, k + 1, nets, out_net, "state"))
            punit = len(spec["elements"]) + 1
            out.append(Unit(part, sd, punit, {p: part.pins.get(p) for p in sd.pins(punit)},
                            "pwr_" + part.ref, "power"))
            continue
        nets = {p: part.pins.get(p) for p in sd.pins(1)}
        if g[0] == "port":
            out.append(Unit(part, sd, 1, nets, g[2], "port", port))
        elif g[0] == "core":
            if len(g) > 2:
                key = g[2]
            elif part.value == "74HC157":
                key = "mux" if part.pins.get("4") == "R0" else "mux_" + part.pins.get("4")
            else:
                key = "QR" if part.pins.get("9") == "G" else "QF"
            out.append(Unit(part, sd, 1, nets, key, "state"))
        elif g[0] == "link":
            out.append(Unit(part, sd, 1, nets, g[1], "link"))
        elif g[0] == "decap":
            out.append(Unit(part, sd, 1, nets, "C_" + g[1], "power"))
        else:
            out.append(Unit(part, sd, 1, nets, part.ref, "power"))
    return out


def _local(net, port):
    """A port's net as the port sheet names it (the same name on every instance)."""
    if net is None or port is None:
        return net
    m = re.fullmatch(r"P(\d+)_(.+)", net)
    if m and int(m.group(1)) == port:
        return m.group(2) + ("_OUT" if m.group(2) in STATUS else "")
    return net


def build_sheets(parts, catalog, project):
    link = any(p.group[0] == "link" for p in parts)
    plan = PLANS[link]
    units = units_of(parts, {n for col in plan[0][2] for n in col})
    nports = 1 + max(u.port for u in units if u.port is not None)
    root = sh.uid("root", project)
    sheet_uuid = {name: sh.uid("sheet", name) for name in ["power"] + [n for n, _, _ in plan] +
                  ["port%d" % p for p in range(nports)]}
    paths = {name: "/%s/%s" % (root, u) for name, u in sheet_uuid.items()}
    # which sheets use each net: the interface (hierarchical labels) of every sheet
    used = {}
    for u in units:
        for n in u.nets.values():
            if n:
                used.setdefault(n, set()).add(u.sheet if u.sheet != "port" else "port%d" % u.port)

    def hier_of(sheet_names, local):
        out = {}
        for u in units:
            s = u.sheet if u.sheet != "port" else "port%d" % u.port
            if s not in sheet_names:
                continue
            for pin, n in u.nets.items():
                if n and n not in sh.POWER_NETS and len(used[n]) > 1:
                    p = u.sd.pins(u.unit)[pin]
                    out[local(n, u.port)] = "output" if p.etype in ("output", "tri_state") else "input"
        return out

    sheets = {}
    # the port sheet: port 0's units placed, every port an instance of the same drawing
    port = sh.Sheet("port", "PAPERS hub: one port (instantiated per port)", project)
    port.paths = [paths["port%d" % p] for p in range(nports)]
    by_key = {}
    for u in units:
        if u.sheet == "port":
            by_key.setdefault(u.key, {})[u.port] = u
    for colkeys in PORT_COLUMNS:
        col = []
        for key in colkeys:
            inst = by_key.pop(key)
            u0 = inst[0]
            pins0 = _pin_order(u0)
            for p in range(nports):
                up = inst[p]
                if [_local(up.nets[n], p) for n in _pin_order(up)] != [_local(u0.nets[n], 0) for n in pins0]:
                    raise SystemExit("port %d's %s is not wired like port 0's: the port sheet cannot be shared"
                                     % (p, key))
            col.append(sh.Placed(key, u0.sd, u0.unit,
                                 [(paths["port%d" % p], inst[p].part.ref, inst[p].unit) for p in range(nports)],
                                 {n: _local(net, 0) for n, net in u0.nets.items()}, _fields(u0.part, catalog)))
        port.column(col)
    if by_key:
        raise SystemExit("port units without a place on the port sheet: %s" % sorted(by_key))
    port.hier = hier_of({"port0"}, _local)
    sheets["port"] = port

    for name, title, columns in plan:
        s = sh.Sheet(name, title, project)
        s.paths = [paths[name]]
        mine = {u.key: u for u in units if u.sheet == name}
        for colkeys in columns:
            s.column([_placed(mine.pop(k), paths[name], catalog) for k in colkeys])
        if mine:
            raise SystemExit("%s units without a place: %s" % (name, sorted(mine)))
        s.hier = hier_of({name}, lambda n, p: n)
        sheets[name] = s
    for s in sheets.values():
        s.layout()
        s.draw()
    sheets["power"] = power_sheet([u for u in units if u.sheet == "power"], paths["power"], catalog, project)
    return sheets, root, sheet_uuid, nports


def _pin_order(u):
    """The unit's pins in drawing order (the same positions on every unit of a symbol)."""
    return [p.number for p in sorted(u.sd.pins(u.unit).values(), key=lambda p: (p.x, -p.y))]


def _placed(u, path, catalog):
    return sh.Placed(u.key, u.sd, u.unit, [(path, u.part.ref, u.unit)], dict(u.nets), _fields(u.part, catalog))


def power_sheet(units, path, catalog, project):
    s = sh.Sheet("power", "PAPERS hub: power, decoupling, spare gates", project)
    s.paths = [path]
    chips = [u for u in units if u.key.startswith("pwr_")]
    decap = {u.key[2:]: u for u in units if u.key.startswith("C_U")}
    spares = [u for u in units if u.key.startswith("spare_")]
    rest = [u for u in units if u not in chips and u not in spares and not u.key.startswith("C_U")]
    placed = []
    x, y = 30.48, 40.64
    for u in rest:      # terminal, bulk capacitor
        pl = _placed(u, path, catalog)
        pl.x, pl.y = x, y
        placed.append(pl)
        x += 30.48
    box_chips = sorted({u.key[2:] for u in decap.values()} - {c.part.ref for c in chips}, key=_refkey)
    cells = [(c, decap.pop(c.part.ref)) for c in sorted(chips, key=lambda c: _refkey(c.part.ref))]
    cells += [(None, decap.pop(ref)) for ref in box_chips]
    for i, (chip, cap) in enumerate(cells):
        cx, cy = 30.48 + (i % 6) * 33.02, 76.2 + (i // 6) * 30.48
        if chip:
            pl = _placed(chip, path, catalog)
            pl.x, pl.y = cx, cy
            pl.ref_at, pl.value_at = (-5.08, 0.635), (-5.08, -1.905)
            placed.append(pl)
        pl = _placed(cap, path, catalog)
        pl.x, pl.y = cx + 15.24, cy
        placed.append(pl)
    y0 = 76.2 + ((len(cells) + 5) // 6) * 30.48 + 10.16
    for i, u in enumerate(sorted(spares, key=lambda u: (_refkey(u.part.ref), u.unit))):
        pl = _placed(u, path, catalog)
        pl.x, pl.y = 30.48 + (i % 8) * 25.4, y0 + (i // 8) * 22.86
        placed.append(pl)
    s.columns = [placed]
    s.hier = {}
    s.eps = s._endpoints()
    s.wires, s._chan = {}, {}
    s.draw()
    # the supply enters on the screw terminal (passive pins): tell ERC with power flags
    term = [pl for pl in placed if pl.sd.name == "Screw_Terminal_2"][0]
    for num, net in sorted(term.nets.items()):
        s.power_symbol(net, term.tip(num), ("flag", net), flag=True)
    return s


def _refkey(r):
    m = re.match(r"([A-Z]+)(\d+)", r)
    return (m.group(1), int(m.group(2)))


def root_node(sheets, root, sheet_uuid, nports, lib_nodes, project, title):
    """The root sheet: a block per sheet (one per port instance), joined by labels and wires."""
    items, blocks = [], []

    def block(name, file, title, x, y, pins_l, pins_r, page, labels):
        h = max(max(len(pins_l), len(pins_r)) + 1, 4) * G
        w = 38.1
        b = ["sheet", ["at", float(x), float(y)], ["size", float(w), float(h)], ["exclude_from_sim", False],
             ["in_bom", True], ["on_board", True], ["dnp", False], ["fields_autoplaced", True],
             ["stroke", ["width", 0.1524], ["type", sh.Sym("solid")]], ["fill", ["color", 0, 0, 0, 0.0]],
             ["uuid", sheet_uuid[name]],
             ["property", "Sheetname", title, ["at", float(x), float(y - 0.7), 0],
              ss._eff(justify=("left", "bottom"))],
             ["property", "Sheetfile", file, ["at", float(x), float(y + h + 0.6), 0],
              ss._eff(justify=("left", "top"))]]
        for side, pins in (("L", pins_l), ("R", pins_r)):
            for i, (pin, shape) in enumerate(pins):
                px = x if side == "L" else x + w
                py = y + (i + 1) * G
                b.append(["pin", pin, sh.Sym(shape), ["at", float(px), float(py), 180 if side == "L" else 0],
                          ["uuid", sh.uid("sheetpin", name, pin)],
                          ss._eff(justify=("left" if side == "L" else "right",))])
                net = labels(pin)
                if net:
                    ang = 180 if side == "L" else 0
                    items.append(["label", net, ["at", float(px), float(py), ang],
                                  ss._eff(justify=("right" if side == "L" else "left", "bottom")),
                                  ["uuid", sh.uid("rootlabel", name, pin)]])
        b.append(["instances", ["project", project, ["path", "/" + root, ["page", str(page)]]]])
        blocks.append(b)
        return h

    def split(sheet):
        ins = sorted((n, s) for n, s in sheet.hier.items() if s == "input")
        outs = sorted((n, s) for n, s in sheet.hier.items() if s == "output")
        return ins, outs

    port_in, port_out = split(sheets["port"])
    y = 30.48
    for p in range(nports):
        h = block("port%d" % p, "port.kicad_sch", "Port %d" % p, 40.64 + 99.06 * (p // 4), y, port_in, port_out,
                  3 + p, lambda pin, p=p: pin if pin in ("R0", "R1", "R2", "R3", "GO") else "P%d_%s" % (p, pin))
        y = 30.48 if p % 4 == 3 else y + h + 12.7
    x = 139.7 + 99.06 * ((nports - 1) // 4)
    c_in, c_out = split(sheets["combine"])
    s_in, s_out = split(sheets["state"])
    wired = [n for n, _ in s_in] == [n for n, _ in c_out]      # combine -> state: straight wires
    block("combine", "combine.kicad_sch", "Combine", x, 30.48, c_in, c_out,
          3 + nports, lambda pin: None if wired and pin in dict(c_out) else pin)
    block("state", "state.kicad_sch", "State", x + 88.9, 30.48, s_in, s_out, 4 + nports,
          lambda pin: None if wired and pin in dict(s_in) else pin)
    if wired:
        for i, (pin, _) in enumerate(c_out):
            yy = 30.48 + (i + 1) * G
            items.append(["wire", ["pts", ["xy", x + 38.1, yy], ["xy", x + 88.9, yy]],
                          ["stroke", ["width", 0], ["type", sh.Sym("default")]], ["uuid", sh.uid("rootwire", pin)]])
            items.append(["label", pin, ["at", x + 60.96, yy, 0], ss._eff(justify=("left", "bottom")),
                          ["uuid", sh.uid("rootlabel", "cs", pin)]])
    yb = 30.48 + 25 * G
    if "link" in sheets:
        l_in, l_out = split(sheets["link"])
        yb = 30.48 + (max(len(s_in), len(s_out)) + 6) * G
        h = block("link", "link.kicad_sch", "Link", x + 88.9, yb, l_in, l_out, 5 + nports, lambda pin: pin)
        yb += h + 12.7
    block("power", "power.kicad_sch", "Power", x + 88.9, yb, [], [], 2,
          lambda pin: None)
    paper = "A3" if x + 88.9 + 60 < 420 else "A2"
    page = sh.Sheet("root", title, project)
    page.items = items
    page.symbols_extra = []
    return sh.sheet_file_node(page, root, lib_nodes, paper, extra=blocks,
                              sheet_instances=["sheet_instances", ["path", "/", ["page", "1"]]],
                              page_comment="Each block is a sheet; labels of the same name are one net")


def write(outdir, parts, catalog=lambda part: {}, project=PROJECT, title="PAPERS hub, 4 ports, hub protocol 1"):
    """Write the schematic files and the project's symbol library into `outdir`."""
    sheets, root, sheet_uuid, nports = build_sheets(parts, catalog, project)
    syms = {}
    for s in sheets.values():
        for pl in s.symbols():
            syms[pl.sd.name] = pl.sd
    lib = ["kicad_symbol_lib", ["version", 20241209], ["generator", "kicad_symbol_editor"],
           ["generator_version", "9.0"]] + [ss.lib_node(syms[n], "") for n in sorted(syms)]
    with open(os.path.join(outdir, "papers.kicad_sym"), "w", encoding="utf-8") as f:
        f.write(dumps(lib) + "\n")
    for name, s in sheets.items():
        used = sorted({pl.sd.name for pl in s.symbols()})
        w, h = s.extent()
        node = sh.sheet_file_node(s, sh.uid("file", name), [ss.lib_node(syms[n], "papers:") for n in used],
                                  sh.paper_for(w, h))
        with open(os.path.join(outdir, name + ".kicad_sch"), "w", encoding="utf-8") as f:
            f.write(dumps(node) + "\n")
    with open(os.path.join(outdir, project + ".kicad_sch"), "w", encoding="utf-8") as f:
        f.write(dumps(root_node(sheets, root, sheet_uuid, nports, [], project, title)) + "\n")
