"""sch_symbols.py -- the schematic symbols of the PAPERS boards (KiCad 9 symbol S-expressions).

Gates are drawn one per unit, IEC style (a box with &, >=1 or 1, a bubble on inverting
outputs), so a drawing shows each gate where it works and a chip's gates may sit on different
sheets; the last unit of a gate chip carries its supply pins (and the chip's unconnected pins).
Buffers, flip-flops, the multiplexer, connectors and networks are boxes with named pins in a
readable order; passives are the usual two-pin symbols.  Symbol coordinates: mm, y up, every
pin tip on the 2.54 mm grid.  Pin tips are what the sheet builder connects wires to.
"""
from .logic_parts import PARTS
from .sexpr import Sym

G = 2.54
FONT = 1.27


class Pin:
    def __init__(self, number, name, etype, x, y, angle, style="line", length=G):
        self.number, self.name, self.etype = number, name, etype
        self.x, self.y, self.angle, self.style, self.length = x, y, angle, style, length

    @property
    def side(self):
        """Where the pin points to from its tip: L (a left-side pin), R, T (top), B."""
        return {0: "L", 180: "R", 270: "T", 90: "B"}[self.angle]


class SymDef:
    """A symbol: `units` is a list of (pins, graphics) per unit (unit numbers from 1)."""

    def __init__(self, name, ref, units, hide_pin_names=False, power=False, value_at=None,
                 ref_at=None, description=""):
        self.name, self.ref, self.units = name, ref, units
        self.hide_pin_names, self.power = hide_pin_names, power
        self.description = description
        top = max([p.y for u in units for p in u[0]] + [g[2] for u in units for g in u[1] if g[0] == "rect"]
                  + [0])
        self.ref_at = ref_at or (0, top + 1.27)
        bottom = min([p.y for u in units for p in u[0]] + [g[4] for u in units for g in u[1] if g[0] == "rect"]
                     + [0])
        self.value_at = value_at or (0, bottom - 1.27)

    def pins(self, unit):
        return {p.number: p for p in self.units[unit - 1][0]}


def _eff(size=FONT, hide=False, justify=None):
    eff = ["effects", ["font", ["size", float(size), float(size)]]]
    if justify:
        eff.append(["justify"] + [Sym(j) for j in justify])
    if hide:
        eff.append(["hide", True])
    return eff


def _prop(name, value, at, hide=False):
    return ["property", name, value, ["at", float(at[0]), float(at[1]), 0], _eff(hide=hide)]


def _graphic(g):
    stroke = ["stroke", ["width", 0.254], ["type", Sym("default")]]
    if g[0] == "rect":
        return ["rectangle", ["start", float(g[1]), float(g[2])], ["end", float(g[3]), float(g[4])], stroke,
                ["fill", ["type", Sym("background")]]]
    if g[0] == "text":
        return ["text", g[1], ["at", float(g[2]), float(g[3]), 0], _eff(g[4] if len(g) > 4 else FONT)]
    if g[0] == "poly":
        return ["polyline", ["pts"] + [["xy", float(x), float(y)] for x, y in g[1]], stroke,
                ["fill", ["type", Sym("none")]]]
    raise ValueError(g[0])


def lib_node(sd, prefix):
    """The symbol as library text (prefix "") or as embedded in a schematic (prefix "papers:")."""
    node = ["symbol", prefix + sd.name]
    if sd.power:
        node.append(["power"])
    if sd.hide_pin_names or sd.power:
        node.append(["pin_names", ["offset", 0], ["hide", True]])
    if sd.power:
        node.append(["pin_numbers", ["hide", True]])
    node += [["exclude_from_sim", False], ["in_bom", not sd.power], ["on_board", not sd.power],
             _prop("Reference", sd.ref, sd.ref_at, hide=sd.power), _prop("Value", sd.name, sd.value_at),
             _prop("Footprint", "", (0, 0), hide=True), _prop("Datasheet", "", (0, 0), hide=True),
             _prop("Description", sd.description, (0, 0), hide=True)]
    for u, (pins, graphics) in enumerate(sd.units, start=1):
        sub = ["symbol", "%s_%d_1" % (sd.name, u)]
        sub += [_graphic(g) for g in graphics]
        for p in pins:
            sub.append(["pin", Sym(p.etype), Sym(p.style), ["at", float(p.x), float(p.y), p.angle],
                        ["length", float(p.length)]] + ([["hide", True]] if sd.power else []) + [
                        ["name", p.name, _eff()], ["number", p.number, _eff()]])
        node.append(sub)
    node.append(["embedded_fonts", False])
    return node


# ---- gate chips --------------------------------------------------------------------------------
_IN_Y = {1: [0], 2: [G, -G], 3: [G, 0, -G], 4: [2 * G, G, -G, -2 * G],
         8: [4 * G, 3 * G, 2 * G, G, -G, -2 * G, -3 * G, -4 * G]}
_SIGN = {"NAND": "&", "AND": "&", "OR": "≥1", "NOT": "1"}


def _gate_unit(kind, inputs, output, schmitt):
    ys = _IN_Y[len(inputs)]
    top = max(G, ys[0] + G)
    pins = [Pin(p, "", "input", -2 * G, y, 0) for p, y in zip(inputs, ys)]
    pins.append(Pin(output, "", "output", 2 * G, 0, 180,
                    "inverted" if kind in ("NAND", "NOT") else "line"))
    graphics = [("rect", -G, top, G, -top), ("text", _SIGN[kind], 0, top - 1.27)]
    if schmitt:   # the hysteresis sign under the 1
        graphics.append(("poly", [(-1.0, -1.2), (0.4, -1.2), (0.4, 0.2), (1.0, 0.2)]))
        graphics.append(("poly", [(-1.0, -1.2), (-0.4, -1.2), (-0.4, 0.2), (1.0, 0.2)]))
    return pins, graphics


def _power_unit(spec):
    pins = [Pin(spec["vcc"], "VCC", "power_in", 0, 2 * G, 270),
            Pin(spec["gnd"], "GND", "power_in", 0, -2 * G, 90)]
    for i, nc in enumerate(spec["nc"]):
        pins.append(Pin(nc, "NC", "no_connect", -2 * G if i % 2 == 0 else 2 * G, 0, 0 if i % 2 == 0 else 180))
    return pins, [("rect", -G, G, G, -G)]


def gate_chip(value):
    spec = PARTS[value]
    units = [_gate_unit(el["kind"], el["inputs"], el["outputs"][0], value == "74HC14")
             for el in spec["elements"]]
    units.append(_power_unit(spec))
    return SymDef(value, "U", units, hide_pin_names=True, description=spec["desc"])


def is_gate_chip(value):
    return value in PARTS and all(el["kind"] in _SIGN for el in PARTS[value]["elements"])


# ---- boxes ---------------------------------------------------------------------------------------
def box(name, ref, left, right, top=(), bottom=(), half_width=4 * G, description=""):
    """left/right: [(number, name, etype)] top to bottom (None = a gap); top/bottom: power pins."""
    rows = max(len(left), len(right))
    hh = (rows + 1) * G / 2
    hh = round(hh / G + 0.49) * G
    pins = []
    for col, x, ang in ((left, -half_width - G, 0), (right, half_width + G, 180)):
        for i, item in enumerate(col):
            if item:
                pins.append(Pin(item[0], item[1], item[2], x, hh - (i + 1) * G, ang))
    for i, (num, nm, et) in enumerate(top):
        pins.append(Pin(num, nm, et, (i - (len(top) - 1) / 2) * 2 * G, hh + G, 270))
    for i, (num, nm, et) in enumerate(bottom):
        pins.append(Pin(num, nm, et, (i - (len(bottom) - 1) / 2) * 2 * G, -hh - G, 90))
    return SymDef(name, ref, [(pins, [("rect", -half_width, hh, half_width, -hh)])], description=description,
                  ref_at=(-half_width + 2.54, hh + 1.27), value_at=(half_width - 3.81, -hh - 1.27))


def hc244():
    L = [("1", "~{1OE}", "input"), ("2", "1A0", "input"), ("4", "1A1", "input"), ("6", "1A2", "input"),
         ("8", "1A3", "input"), None, ("19", "~{2OE}", "input"), ("17", "2A0", "input"),
         ("15", "2A1", "input"), ("13", "2A2", "input"), ("11", "2A3", "input")]
    R = [None, ("18", "1Y0", "tri_state"), ("16", "1Y1", "tri_state"), ("14", "1Y2", "tri_state"),
         ("12", "1Y3", "tri_state"), None, None, ("3", "2Y0", "tri_state"), ("5", "2Y1", "tri_state"),
         ("7", "2Y2", "tri_state"), ("9", "2Y3", "tri_state")]
    return box("74HC244", "U", L, R, [("20", "VCC", "power_in")], [("10", "GND", "power_in")],
               description=PARTS["74HC244"]["desc"])


def hc175():
    L = [("4", "D0", "input"), ("5", "D1", "input"), ("12", "D2", "input"), ("13", "D3", "input"), None,
         ("9", "CP", "input"), ("1", "~{MR}", "input")]
    R = [("2", "Q0", "output"), ("7", "Q1", "output"), ("10", "Q2", "output"), ("15", "Q3", "output"), None,
         ("3", "~{Q0}", "output"), ("6", "~{Q1}", "output"), ("11", "~{Q2}", "output"), ("14", "~{Q3}", "output")]
    return box("74HC175", "U", L, R, [("16", "VCC", "power_in")], [("8", "GND", "power_in")],
               description=PARTS["74HC175"]["desc"])


def hc157():
    L = [("2", "1I0", "input"), ("5", "2I0", "input"), ("11", "3I0", "input"), ("14", "4I0", "input"), None,
         ("3", "1I1", "input"), ("6", "2I1", "input"), ("10", "3I1", "input"), ("13", "4I1", "input"), None,
         ("1", "S", "input"), ("15", "~{E}", "input")]
    R = [("4", "1Y", "output"), ("7", "2Y", "output"), ("9", "3Y", "output"), ("12", "4Y", "output")]
    return box("74HC157", "U", L, R, [("16", "VCC", "power_in")], [("8", "GND", "power_in")],
               description=PARTS["74HC157"]["desc"])


def db25():
    names = {"2": "D0 (X0)", "3": "D1 (X1)", "4": "D2 (X2)", "5": "D3 (X3)", "6": "D4 (S)", "7": "D5 (L)",
             "8": "D6", "9": "D7", "15": "~{ERROR} (R0)", "13": "SEL (R1)", "12": "PE (R2)",
             "10": "~{ACK} (R3)", "11": "BUSY (G)", "1": "~{STROBE}", "14": "~{AUTOFD}", "16": "~{INIT}",
             "17": "~{SELIN}"}
    order = ["2", "3", "4", "5", "6", "7", "8", "9", None, "15", "13", "12", "10", "11", None,
             "1", "14", "16", "17", None] + [str(p) for p in range(18, 26)]
    R = [(p, names.get(p, "GND"), "passive") if p else None for p in order]
    return box("DB25_Female", "J", [], R, half_width=5 * G, description="DB-25 female, parallel port")


def link_header():
    from .hub_design import LINK_PINS, LINK_GND
    order = ["1", "3", "5", "6", "7", "8", None, "10", "11", "12", "13", "14", None] + LINK_GND
    R = [(p, LINK_PINS.get(p, "GND"), "passive") if p else None for p in order]
    return box("Link", "J", [], R, half_width=3 * G, description="tree link, 2x8 box header")


def rn_bussed():
    L = [(str(i), "R%d" % (i - 1), "passive") for i in range(2, 10)]
    R = [None, None, None, None, None, None, None, ("1", "COM", "passive")]
    return box("R_Network_Bussed_8", "RN", L, R, half_width=2 * G,
               description="8 resistors, one common pin")


# ---- two-pin parts (horizontal: pin 1 left) ---------------------------------------------------------
def two_pin(name, ref, graphics, etypes=("passive", "passive"), names=("~", "~"), hide_names=True,
            description=""):
    pins = [Pin("1", names[0], etypes[0], -2 * G, 0, 0, length=G), Pin("2", names[1], etypes[1], 2 * G, 0, 180, length=G)]
    return SymDef(name, ref, [(pins, graphics)], hide_pin_names=hide_names, ref_at=(0, 2.54),
                  value_at=(0, -2.54), description=description)


def resistor():
    return two_pin("R", "R", [("rect", -G, 0.9, G, -0.9)], description="resistor")


def capacitor():
    return two_pin("C", "C", [("poly", [(-0.5, 1.5), (-0.5, -1.5)]), ("poly", [(0.5, 1.5), (0.5, -1.5)]),
                              ("poly", [(-G, 0), (-0.5, 0)]), ("poly", [(0.5, 0), (G, 0)])],
                   description="capacitor")


def capacitor_polarized():
    return two_pin("C_Polarized", "C", [("poly", [(-0.5, 1.5), (-0.5, -1.5)]), ("rect", 0.4, 1.5, 0.8, -1.5),
                                        ("poly", [(-G, 0), (-0.5, 0)]), ("poly", [(0.8, 0), (G, 0)]),
                                        ("text", "+", -1.5, 1.5)], description="polarized capacitor, pin 1 +")


def led():
    # pin 1 = cathode on the right: current flows left to right (anode pin 2 on the left)
    pins = [Pin("2", "A", "passive", -2 * G, 0, 0), Pin("1", "K", "passive", 2 * G, 0, 180)]
    graphics = [("poly", [(-1.0, 1.2), (-1.0, -1.2), (1.0, 0), (-1.0, 1.2)]), ("poly", [(1.0, 1.2), (1.0, -1.2)]),
                ("poly", [(-G, 0), (G, 0)]), ("poly", [(0.2, 1.6), (1.2, 2.6)]), ("poly", [(1.0, 1.6), (2.0, 2.6)])]
    return SymDef("LED", "D", [(pins, graphics)], hide_pin_names=True, ref_at=(0, 3.5), value_at=(0, -2.54),
                  description="LED")


def jumper():
    return two_pin("Jumper_2", "JP", [("poly", [(-G, 0), (-0.8, 0)]), ("poly", [(0.8, 0), (G, 0)]),
                                      ("poly", [(-1.2, 0.8), (1.2, 0.8)])], description="2-pin jumper")


def terminal():
    pins = [Pin("1", "+5V", "passive", 2 * G, G, 180), Pin("2", "GND", "passive", 2 * G, -G, 180)]
    return SymDef("Screw_Terminal_2", "J", [(pins, [("rect", -G, 2 * G, G, -2 * G)])],
                  description="2-pole screw terminal")


# ---- power --------------------------------------------------------------------------------------
def power_symbol(net):
    up = net != "GND"
    pin = Pin("1", net, "power_in", 0, 0, 90 if up else 270, length=0)
    if up:
        graphics = [("poly", [(0, 0), (0, 1.27)]), ("poly", [(-0.76, 1.27), (0.76, 1.27)])]
    else:
        graphics = [("poly", [(0, 0), (0, -1.27), (1.27, -1.27), (0, -2.54), (-1.27, -1.27), (0, -1.27)])]
    return SymDef(net, "#PWR", [([pin], graphics)], power=True,
                  value_at=(0, 2.54) if up else (0, -3.81), ref_at=(0, -3.81) if up else (0, -6.35),
                  description="power symbol: the global net %s" % net)


def pwr_flag():
    pin = Pin("1", "~", "power_out", 0, 0, 90, length=0)
    graphics = [("poly", [(0, 0), (0, 1.27), (-1.016, 1.905), (0, 2.54), (1.016, 1.905), (0, 1.27)])]
    sd = SymDef("PWR_FLAG", "#FLG", [([pin], graphics)], power=True, value_at=(0, 3.81), ref_at=(0, 1.905),
                description="tells ERC where a power net is driven")
    return sd


_BOXES = {"74HC244": hc244, "74HC175": hc175, "74HC157": hc157}
_BY_FOOTPRINT = {"DB25F": db25, "SIP-9": rn_bussed, "R-AXIAL": resistor, "C-DISC": capacitor,
                 "CP-RADIAL": capacitor_polarized, "LED-3MM": led, "JUMPER-2": jumper,
                 "TERMINAL-2": terminal, "LINK-2x8": link_header}


def for_part(part):
    """The symbol of a hub_design Part."""
    if is_gate_chip(part.value):
        return gate_chip(part.value)
    if part.value in _BOXES:
        return _BOXES[part.value]()
    return _BY_FOOTPRINT[part.footprint]()
