"""gen_schematic.py -- the hub's KiCad 6 schematic (.kicad_sch), from hub_design.py.

One sheet; every part is a box symbol (embedded in lib_symbols, so no library is
needed) with its pins named after their function, and every connected pin carries a
net label with the net's name (labels of the same name are one net in KiCad), so the
schematic and the board come from the same netlist.  Pins without a net get a
no-connect flag.  board_check.py `schematic` re-reads this file and compares its
label netlist with the pads of the .kicad_pcb.
"""
import uuid

from .logic_parts import PARTS
from .sexpr import Sym, dumps

GRID = 2.54
NS = uuid.UUID("6f1a7c52-4a0e-4d0b-9a8e-3f1d2c5b7a90")


def _uuid(*names):
    return str(uuid.uuid5(NS, "/".join(names)))


def _f(v):
    s = ("%.3f" % v).rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def pin_names(part):
    """pin -> (name, electrical type, side) for a part."""
    out = {}
    spec = PARTS.get(part.value)
    if spec:
        out[spec["vcc"]] = ("VCC", "power_in", "L")
        out[spec["gnd"]] = ("GND", "power_in", "L")
        for p in spec["nc"]:
            out[p] = ("NC", "no_connect", "R")
        for k, el in enumerate(spec["elements"]):
            kind = el["kind"]
            if kind in ("NAND", "AND", "OR", "NOT"):
                for i, p in enumerate(el["inputs"]):
                    out[p] = ("%d%s" % (k + 1, "ABCD"[i]), "input", "L")
                out[el["outputs"][0]] = ("%dY" % (k + 1), "output", "R")
            elif kind == "BUF":
                g = 1 if el["oe_n"] == "1" else 2
                i = k % 4
                out[el["inputs"][0]] = ("%dA%d" % (g, i), "input", "L")
                out[el["outputs"][0]] = ("%dY%d" % (g, i), "tri_state", "R")
                out[el["oe_n"]] = ("~{%dOE}" % g, "input", "L")
            elif kind == "MUX2":
                out[el["select"]] = ("S", "input", "L")
                out[el["enable_n"]] = ("~{E}", "input", "L")
                for b, (i0, i1, y) in enumerate(el["bits"]):
                    out[i0] = ("%dI0" % (b + 1), "input", "L")
                    out[i1] = ("%dI1" % (b + 1), "input", "L")
                    out[y] = ("%dY" % (b + 1), "output", "R")
            elif kind == "DFF":
                out[el["clock"]] = ("CP", "input", "L")
                out[el["clear_n"]] = ("~{MR}", "input", "L")
                for b, (d, q, qn) in enumerate(el["bits"]):
                    out[d] = ("D%d" % b, "input", "L")
                    out[q] = ("Q%d" % b, "output", "R")
                    out[qn] = ("~{Q%d}" % b, "output", "R")
        return out
    if part.footprint == "DB25F":
        names = {"2": "D0", "3": "D1", "4": "D2", "5": "D3", "6": "D4", "7": "D5", "8": "D6", "9": "D7",
                 "1": "~{STROBE}", "10": "~{ACK}", "11": "BUSY", "12": "PE", "13": "SEL",
                 "14": "~{AUTOFD}", "15": "~{ERROR}", "16": "~{INIT}", "17": "~{SELIN}"}
        for i in range(1, 26):
            s = str(i)
            out[s] = (names.get(s, "GND"), "passive", "L" if i <= 13 else "R")
        return out
    if part.footprint == "SIP-9":
        out["1"] = ("COM", "passive", "L")
        for i in range(2, 10):
            out[str(i)] = ("R%d" % (i - 1), "passive", "R")
        return out
    if part.footprint == "LED-3MM":
        return {"1": ("K", "passive", "R"), "2": ("A", "passive", "L")}
    return {"1": ("1", "passive", "L"), "2": ("2", "passive", "R")}


def symbol_name(part):
    if part.value in PARTS:
        return part.value
    return {"DB25F": "DB25_Female", "SIP-9": "R_Network_Bussed_8", "R-AXIAL": "R", "C-DISC": "C",
            "CP-RADIAL": "C_Polarized", "LED-3MM": "LED", "JUMPER-2": "Jumper_2",
            "TERMINAL-2": "Screw_Terminal_2"}[part.footprint]


def _sorted_pins(names):
    key = lambda p: int(p) if p.isdigit() else 999   # noqa: E731
    left = sorted((p for p, v in names.items() if v[2] == "L"), key=key)
    right = sorted((p for p, v in names.items() if v[2] == "R"), key=key)
    return left, right


def layout(part):
    """Symbol geometry: pin -> (x, y) of the pin's connection point (symbol coords, y up),
    plus the body half-width and half-height."""
    names = pin_names(part)
    left, right = _sorted_pins(names)
    rows = max(len(left), len(right), 1)
    hh = (rows + 1) * GRID / 2
    hw = 5 * GRID if part.value in PARTS or part.footprint in ("DB25F", "SIP-9") else 2 * GRID
    pos = {}
    for i, p in enumerate(left):
        pos[p] = (-hw - GRID, hh - (i + 1) * GRID)
    for i, p in enumerate(right):
        pos[p] = (hw + GRID, hh - (i + 1) * GRID)
    return names, pos, hw, hh


def _font(size=1.27, hide=False, justify=None):
    eff = ["effects", ["font", ["size", float(size), float(size)]]]
    if justify:
        eff.append(["justify"] + [Sym(j) for j in justify])
    if hide:
        eff.append(["hide", True])
    return eff


def _sprop(name, value, at, hide=False):
    return ["property", name, value, ["at", float(at[0]), float(at[1]), 0], _font(hide=hide)]


def lib_symbol(part, prefix):
    """The symbol of `part`'s kind: named `prefix + name` (prefix "papers:" when embedded in the
    schematic, "" in the library file, otherwise identical, so ERC finds them equal)."""
    names, pos, hw, hh = layout(part)
    nm = symbol_name(part)
    node = ["symbol", prefix + nm, ["exclude_from_sim", False], ["in_bom", True], ["on_board", True],
            _sprop("Reference", "".join(ch for ch in part.ref if ch.isalpha()), (0, hh + 1.27)),
            _sprop("Value", nm, (0, -hh - 1.27)),
            _sprop("Footprint", "", (0, 0), hide=True),
            _sprop("Datasheet", "", (0, 0), hide=True),
            _sprop("Description", "", (0, 0), hide=True),
            ["symbol", nm + "_0_1",
             ["rectangle", ["start", float(-hw), float(hh)], ["end", float(hw), float(-hh)],
              ["stroke", ["width", 0.254], ["type", Sym("default")]], ["fill", ["type", Sym("background")]]]]]
    unit = ["symbol", nm + "_1_1"]
    for p, (x, y) in sorted(pos.items(), key=lambda kv: int(kv[0])):
        name, etype, side = names[p]
        unit.append(["pin", Sym(etype), Sym("line"), ["at", float(x), float(y), 0 if side == "L" else 180],
                     ["length", 2.54], ["name", name, _font(1.0)], ["number", p, _font(1.0)]])
    node += [unit, ["embedded_fonts", False]]
    return node


def pwr_flag(prefix):
    """KiCad's PWR_FLAG: tells ERC that a power net is driven (here: from the screw terminal)."""
    return ["symbol", prefix + "PWR_FLAG", ["power"], ["pin_numbers", ["hide", True]],
            ["pin_names", ["offset", 0], ["hide", True]], ["exclude_from_sim", False],
            ["in_bom", True], ["on_board", True],
            _sprop("Reference", "#FLG", (0, 1.905), hide=True), _sprop("Value", "PWR_FLAG", (0, 3.81)),
            _sprop("Footprint", "", (0, 0), hide=True), _sprop("Datasheet", "~", (0, 0), hide=True),
            _sprop("Description", "Special symbol for telling ERC where power comes from", (0, 0),
                   hide=True),
            ["symbol", "PWR_FLAG_0_0",
             ["pin", Sym("power_out"), Sym("line"), ["at", 0.0, 0.0, 90], ["length", 0.0],
              ["name", "~", _font()], ["number", "1", _font()]]],
            ["symbol", "PWR_FLAG_0_1",
             ["polyline", ["pts", ["xy", 0.0, 0.0], ["xy", 0.0, 1.27], ["xy", -1.016, 1.905],
                                  ["xy", 0.0, 2.54], ["xy", 1.016, 1.905], ["xy", 0.0, 1.27]],
              ["stroke", ["width", 0.0], ["type", Sym("default")]], ["fill", ["type", Sym("none")]]]],
            ["embedded_fonts", False]]


SCH_VERSION = 20250114
SYM_LIB_VERSION = 20241209


def write(path, lib_path, parts, project="papers-hub"):
    from .footprints import FOOTPRINTS
    syms = {}
    for p in parts:
        syms.setdefault(symbol_name(p), p)
    root = _uuid(project)
    lib = ["kicad_symbol_lib", ["version", SYM_LIB_VERSION], ["generator", "kicad_symbol_editor"],
           ["generator_version", "9.0"]]
    lib += [lib_symbol(syms[nm], "") for nm in sorted(syms)] + [pwr_flag("")]
    with open(lib_path, "w") as f:
        f.write(dumps(lib) + "\n")
    sch = ["kicad_sch", ["version", SCH_VERSION], ["generator", "eeschema"], ["generator_version", "9.0"],
           ["uuid", root], ["paper", "A0"],
           ["title_block", ["title", "PAPERS hub, 4 ports, hub protocol 1"], ["rev", "2"],
            ["company", "papers project"],
            ["comment", 1, "Generated by hw/tools/gen_hub_board.py from hw/tools/hub_design.py"],
            ["comment", 2, "Nets are joined by their labels; see hw/README.md for the logic"]],
           ["lib_symbols"] + [lib_symbol(syms[nm], "papers:") for nm in sorted(syms)] + [pwr_flag("papers:")]]
    items, symbols = [], []

    def label(net, x, y, left, key):
        items.append(["label", net, ["at", float(x), float(y), 180 if left else 0],
                      _font(1.0, justify=("right" if left else "left", "bottom")), ["uuid", _uuid(*key)]])

    def instance(lib_id, ref, value, fp, desc, sx, sy, ref_at, val_at, pins, hide_ref=False):
        symbols.append(["symbol", ["lib_id", lib_id], ["at", float(sx), float(sy), 0], ["unit", 1],
                        ["exclude_from_sim", False], ["in_bom", True], ["on_board", True], ["dnp", False],
                        ["fields_autoplaced", True], ["uuid", _uuid("sym", ref)],
                        _sprop("Reference", ref, ref_at, hide=hide_ref), _sprop("Value", value, val_at),
                        _sprop("Footprint", fp, (sx, sy), hide=True), _sprop("Datasheet", "", (sx, sy), hide=True),
                        _sprop("Description", desc, (sx, sy), hide=True)]
                       + [["pin", p, ["uuid", _uuid("pin", ref, p)]] for p in pins]
                       + [["instances", ["project", project, ["path", "/" + root, ["reference", ref],
                                                               ["unit", 1]]]]])

    # place the symbols in columns, sheet coordinates on a 2.54 grid
    col_x, y = 30 * GRID, 20 * GRID
    col_w = 40 * GRID
    max_y = 320 * GRID          # A0 landscape is 1189 x 841 mm
    for part in parts:
        names, pos, hw, hh = layout(part)
        h = 2 * hh + 6 * GRID
        if y + h > max_y:
            col_x += col_w
            y = 20 * GRID
        sx, sy = col_x, y + round(hh / GRID) * GRID + 2 * GRID
        y += round(h / GRID) * GRID + 2 * GRID
        instance("papers:" + symbol_name(part), part.ref, part.value, FOOTPRINTS[part.footprint]()["lib"],
                 part.desc, sx, sy, (sx, sy - hh - 1.27), (sx, sy + hh + 1.27), sorted(pos, key=int))
        for p, (px, py) in sorted(pos.items(), key=lambda kv: int(kv[0])):
            x, yy = sx + px, sy - py
            net = part.pins.get(p)
            if net is None:
                items.append(["no_connect", ["at", float(x), float(yy)], ["uuid", _uuid("nc", part.ref, p)]])
            else:
                label(net, x, yy, px < 0, ("label", part.ref, p))
    if col_x + col_w > 1189:
        raise SystemExit("schematic does not fit on A0: last column at x=%.0f mm" % col_x)
    # the power flags: +5 V and GND come from the screw terminal, a passive pin
    for k, net in enumerate(("VCC", "GND")):
        fx, fy = 10 * GRID + 10 * GRID * k, 10 * GRID
        instance("papers:PWR_FLAG", "#FLG%02d" % (k + 1), "PWR_FLAG", "", "", fx, fy,
                 (fx, fy - 1.905), (fx, fy - 3.81), ["1"], hide_ref=True)
        label(net, fx, fy, False, ("flag", net))
    sch += items + symbols
    sch += [["sheet_instances", ["path", "/", ["page", "1"]]], ["embedded_fonts", False]]
    with open(path, "w") as f:
        f.write(dumps(sch) + "\n")
