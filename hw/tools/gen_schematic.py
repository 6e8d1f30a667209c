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


def lib_symbol(part):
    names, pos, hw, hh = layout(part)
    nm = symbol_name(part)
    o = ['    (symbol "papers:%s" (in_bom yes) (on_board yes)' % nm,
         '      (property "Reference" "%s" (id 0) (at 0 %s 0) (effects (font (size 1.27 1.27))))' % (
             "".join(ch for ch in part.ref if ch.isalpha()), _f(hh + 1.27)),
         '      (property "Value" "%s" (id 1) (at 0 %s 0) (effects (font (size 1.27 1.27))))' % (nm, _f(-hh - 1.27)),
         '      (property "Footprint" "" (id 2) (at 0 0 0) (effects (font (size 1.27 1.27)) hide))',
         '      (property "Datasheet" "" (id 3) (at 0 0 0) (effects (font (size 1.27 1.27)) hide))',
         '      (symbol "%s_0_1"' % nm,
         '        (rectangle (start %s %s) (end %s %s) (stroke (width 0.254) (type default) (color 0 0 0 0)) (fill (type background)))' % (
             _f(-hw), _f(hh), _f(hw), _f(-hh)),
         '      )',
         '      (symbol "%s_1_1"' % nm]
    for p, (x, y) in sorted(pos.items(), key=lambda kv: int(kv[0])):
        name, etype, side = names[p]
        ang = 0 if side == "L" else 180
        o.append('        (pin %s line (at %s %s %d) (length 2.54)' % (etype, _f(x), _f(y), ang))
        o.append('          (name "%s" (effects (font (size 1.0 1.0))))' % name)
        o.append('          (number "%s" (effects (font (size 1.0 1.0)))))' % p)
    o.append('      )')
    o.append('    )')
    return "\n".join(o)


def write(path, parts):
    from .footprints import FOOTPRINTS
    syms = {}
    for p in parts:
        syms.setdefault(symbol_name(p), p)
    root = _uuid("papers-hub")
    o = ['(kicad_sch (version 20211123) (generator eeschema)',
         '  (uuid %s)' % root,
         '  (paper "A0")',
         '  (title_block (title "PAPERS hub, 4 ports, hub protocol 1") (rev "1") (company "papers project")',
         '    (comment 1 "Generated by hw/tools/gen_hub_board.py from hw/tools/hub_design.py")',
         '    (comment 2 "Nets are joined by their labels; see hw/README.md for the logic"))',
         '  (lib_symbols']
    for nm in sorted(syms):
        o.append(lib_symbol(syms[nm]))
    o.append('  )')
    # place the symbols in columns, sheet coordinates on a 2.54 grid
    col_x, y = 30 * GRID, 20 * GRID
    col_w = 40 * GRID
    max_y = 320 * GRID          # A0 landscape is 1189 x 841 mm
    inst = []
    for part in parts:
        names, pos, hw, hh = layout(part)
        h = 2 * hh + 6 * GRID
        if y + h > max_y:
            col_x += col_w
            y = 20 * GRID
        sx, sy = col_x, y + round(hh / GRID) * GRID + 2 * GRID
        y += round(h / GRID) * GRID + 2 * GRID
        u = _uuid("sym", part.ref)
        fp = FOOTPRINTS[part.footprint]()["lib"]
        o.append('  (symbol (lib_id "papers:%s") (at %s %s 0) (unit 1)' % (symbol_name(part), _f(sx), _f(sy)))
        o.append('    (in_bom yes) (on_board yes) (fields_autoplaced)')
        o.append('    (uuid %s)' % u)
        o.append('    (property "Reference" "%s" (id 0) (at %s %s 0) (effects (font (size 1.27 1.27))))' % (
            part.ref, _f(sx), _f(sy - hh - 1.27)))
        o.append('    (property "Value" "%s" (id 1) (at %s %s 0) (effects (font (size 1.27 1.27))))' % (
            part.value, _f(sx), _f(sy + hh + 1.27)))
        o.append('    (property "Footprint" "%s" (id 2) (at %s %s 0) (effects (font (size 1.27 1.27)) hide))' % (
            fp, _f(sx), _f(sy)))
        o.append('    (property "Datasheet" "" (id 3) (at %s %s 0) (effects (font (size 1.27 1.27)) hide))' % (
            _f(sx), _f(sy)))
        o.append('    (property "Description" "%s" (id 4) (at %s %s 0) (effects (font (size 1.27 1.27)) hide))' % (
            part.desc, _f(sx), _f(sy)))
        for p in sorted(pos, key=int):
            o.append('    (pin "%s" (uuid %s))' % (p, _uuid("pin", part.ref, p)))
        o.append('  )')
        inst.append((u, part))
        for p, (px, py) in sorted(pos.items(), key=lambda kv: int(kv[0])):
            x, yy = sx + px, sy - py
            net = part.pins.get(p)
            if net is None:
                o.append('  (no_connect (at %s %s) (uuid %s))' % (_f(x), _f(yy), _uuid("nc", part.ref, p)))
                continue
            left = px < 0
            o.append('  (label "%s" (at %s %s %d)' % (net, _f(x), _f(yy), 180 if left else 0))
            o.append('    (effects (font (size 1.0 1.0)) (justify %s bottom))' % ("right" if left else "left"))
            o.append('    (uuid %s))' % _uuid("label", part.ref, p))
    if col_x + col_w > 1189:
        raise SystemExit("schematic does not fit on A0: last column at x=%.0f mm" % col_x)
    o.append('  (sheet_instances (path "/" (page "1")))')
    o.append('  (symbol_instances')
    for u, part in inst:
        fp = FOOTPRINTS[part.footprint]()["lib"]
        o.append('    (path "/%s" (reference "%s") (unit 1) (value "%s") (footprint "%s"))' % (
            u, part.ref, part.value, fp))
    o.append('  )')
    o.append(')')
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")
