"""hub_design.py -- the PAPERS hub board as a netlist: parts, their pins and nets.

This is the ONE design description; gen_hub_board.py places and routes it and writes
the KiCad files from it.  Hub protocol v1 (docs/hub-protocol.md):

Per port p (DB-25 female J<p+1>; pins 2..5 = X0..X3, 6 = S, 7 = L, 18..25 = GND;
outputs R0..R3 on 15, 13, 12, 10 and G on 11):
  * 10 k pull-downs (RN<p+1>, bussed SIP-9) on X0..X3, S, L and EN: an unplugged
    port reads 0, a port without its enable jumper is disabled.
  * enable jumper JP<p+1> pulls EN to +5 V (fitted = port enabled, spec section 4).
  * S delay: 1 k + 220 pF RC into a 74HC14 Schmitt inverter (SDn, ~150 ns), a second
    inverter gives SD.  X reaches the registers through 2 gates (~20 ns), so X is
    settled long before its strobe is seen (the board's version of the RTL's
    one-clock S delay).
  * disabled ports are forced to the AND identity:
      SE1 = SD OR !EN  = NAND(SDn, EN)     (feeds ALL1)
      SE0 = !SD OR !EN = NAND(SD, EN)      (feeds ALL0)
      XE_b = X_b OR ENn                    (74HC32, ENn = !EN from the 74HC14)
  * a 74HC244 drives R0..R3, G to the port's status pins and the port's LED from L.
Central:
  * ALL1 = AND4(SE1_0..3), ALL0 = AND4(SE0_0..3)                  (74HC21)
  * RD_b = NAND4(XE_b of the 4 ports)                             (2x 74HC20)
  * C-element G, an SR latch of NAND gates, exact for spec section 4:
      SETn = NAND3(ALL1, !ALL0, PORn)  RSTn = NAND3(ALL0, !ALL1, PORn)
      Gn   = NAND3(RSTn, G, PORn)      G    = NAND2(SETn, Gn)
    With no port enabled ALL1 = ALL0 = 1, so neither SETn nor RSTn is active: hold.
  * R latched at every change of G: a 74HC175 clocked by G (rising G), a second one
    clocked by Gn (falling G), and a 74HC157 picks the register of the last edge
    (select = G).  Both are cleared at power-on (R = 0).
  * G to the ports is G delayed by a second RC + 74HC14 pair (GO, ~150 ns), so R at
    the connector is settled before the PE can see G change (a PE reads G and R in
    ONE inb of the status register, spec section 5).
  * power-on reset: 10 k + 10 uF into a 74HC14 -> POR, inverted again -> PORn.
"""

NPORTS = 4
DB25_X = ["2", "3", "4", "5"]          # X0..X3 (spec section 2)
DB25_S = "6"
DB25_L = "7"
DB25_R = ["15", "13", "12", "10"]      # R0..R3 (spec section 3)
DB25_G = "11"
DB25_GND = [str(p) for p in range(18, 26)]


def P(p, n):
    """A port's net name."""
    return "P%d_%s" % (p, n)


class Part:
    def __init__(self, ref, value, footprint, pins, group, desc=""):
        self.ref, self.value, self.footprint = ref, value, footprint
        self.pins = dict(pins)       # pin number (str) -> net name
        self.group = group           # placement hint
        self.desc = desc


def _chip(ref, value, group, gate_nets, extra=None):
    """A logic chip: gate_nets[i] = (input nets..., output net) for element i of the
    part table; a None entry leaves that gate spare (inputs tied to GND)."""
    from .logic_parts import PARTS
    spec = PARTS[value]
    pins = {spec["vcc"]: "VCC", spec["gnd"]: "GND"}
    for el, nets in zip(spec["elements"], gate_nets + [None] * len(spec["elements"])):
        if nets is None:
            for p in el["inputs"]:
                pins[p] = "GND"
            continue
        *ins, out = nets
        assert len(ins) == len(el["inputs"]), (ref, nets)
        for p, n in zip(el["inputs"], ins):
            pins[p] = n
        pins[el["outputs"][0]] = out
    for p, n in (extra or {}).items():
        pins[p] = n
    return Part(ref, value, "DIP-%d" % spec["pins"], pins, group, spec["desc"])


def build(nports=NPORTS, link=False):
    """The board's parts.  link=False: the 4-port hub (its own C-element).  link=True: the
    module of a hub tree (8 ports; see LINK_* below and hw/README.md)."""
    parts = []
    refs = {}

    def nxt(prefix):
        refs[prefix] = refs.get(prefix, 0) + 1
        return "%s%d" % (prefix, refs[prefix])

    # --- connectors, pull-downs, jumpers (one of each per port) -------------------
    for p in range(nports):
        pins = {DB25_S: P(p, "S"), DB25_L: P(p, "L"), DB25_G: P(p, "G")}
        for b in range(4):
            pins[DB25_X[b]] = P(p, "X%d" % b)
            pins[DB25_R[b]] = P(p, "R%d" % b)
        for g in DB25_GND:
            pins[g] = "GND"
        parts.append(Part("J%d" % (p + 1), "DB25_Female", "DB25F", pins, ("port", p, "conn"),
                          "DB-25 female, right angle, one per PE"))
    for p in range(nports):
        pins = {"1": "GND"}
        for i, n in enumerate(["X0", "X1", "X2", "X3", "S", "L", "EN"]):
            pins[str(i + 2)] = P(p, n)
        parts.append(Part("RN%d" % (p + 1), "10k", "SIP-9", pins, ("port", p, "rn"),
                          "8x 10k bussed resistor network (pull-downs)"))
    for p in range(nports):
        parts.append(Part("JP%d" % (p + 1), "Jumper", "JUMPER-2", {"1": "VCC", "2": P(p, "EN")},
                          ("port", p, "jp"), "port enable jumper (fitted = enabled)"))

    # --- logic ------------------------------------------------------------------------
    def port_pair(p0):
        g = []
        for p in (p0, p0 + 1):
            g += [(P(p, "SRC"), P(p, "SDn")), (P(p, "SDn"), P(p, "SD")), (P(p, "EN"), P(p, "ENn"))]
        return g
    for p0 in range(0, nports, 2):                                                  # U1, U2
        parts.append(_chip(nxt("U"), "74HC14", ("port", p0, "u14"), port_pair(p0)))
    for p0 in range(0, nports, 2):                                                  # U3, U4
        g = []
        for p in (p0, p0 + 1):
            g += [(P(p, "SDn"), P(p, "EN"), P(p, "SE1")), (P(p, "SD"), P(p, "EN"), P(p, "SE0"))]
        parts.append(_chip(nxt("U"), "74HC00", ("port", p0 + 1, "u00"), g))
    for p in range(nports):                                                         # U5..U8
        parts.append(_chip(nxt("U"), "74HC32", ("port", p, "u32"),
                           [(P(p, "X%d" % b), P(p, "ENn"), P(p, "XE%d" % b)) for b in range(4)]))
    if link:
        _link_core(parts, nxt, nports)
    else:
        _flat_core(parts, nxt)
    for p in range(nports):                                                         # U18..U21
        spec_bufs = [("2", "18"), ("4", "16"), ("6", "14"), ("8", "12"),
                     ("17", "3"), ("15", "5"), ("13", "7"), ("11", "9")]
        ins = ["R0", "R1", "R2", "R3", "GO", P(p, "L"), None, None]
        outs = [P(p, "R0"), P(p, "R1"), P(p, "R2"), P(p, "R3"), P(p, "G"), P(p, "LED"), None, None]
        pins = {"20": "VCC", "10": "GND", "1": "GND", "19": "GND"}
        for (a, y), i, o in zip(spec_bufs, ins, outs):
            pins[a] = i if i else "GND"
            if o:
                pins[y] = o
        parts.append(Part(nxt("U"), "74HC244", "DIP-20", pins, ("port", p, "u244"),
                          "octal buffer (status outputs, LED)"))

    # --- passives -----------------------------------------------------------------------
    for p in range(nports):
        parts.append(Part(nxt("R"), "1k", "R-AXIAL", {"1": P(p, "S"), "2": P(p, "SRC")},
                          ("port", p, "rs"), "S settling delay"))
        parts.append(Part(nxt("C"), "220p", "C-DISC", {"1": P(p, "SRC"), "2": "GND"},
                          ("port", p, "cs"), "S settling delay"))
    for p in range(nports):
        parts.append(Part(nxt("R"), "470", "R-AXIAL", {"1": P(p, "LED"), "2": P(p, "LEDA")},
                          ("port", p, "rled"), "LED current"))
        parts.append(Part("D%d" % (p + 1), "LED", "LED-3MM", {"1": "GND", "2": P(p, "LEDA")},
                          ("port", p, "led"), "PE spinning (L bit of its DATA)"))
    parts.append(Part(nxt("R"), "1k", "R-AXIAL", {"1": "GS" if link else "G", "2": "GRC"}, ("core", 3, "rg"),
                      "G output delay"))
    parts.append(Part(nxt("C"), "220p", "C-DISC", {"1": "GRC", "2": "GND"}, ("core", 3, "cg"),
                      "G output delay"))
    parts.append(Part(nxt("R"), "10k", "R-AXIAL", {"1": "VCC", "2": "PORRC"}, ("core", 3, "rpor"),
                      "power-on reset"))
    parts.append(Part(nxt("C"), "10u", "CP-RADIAL", {"1": "PORRC", "2": "GND"}, ("core", 3, "cpor"),
                      "power-on reset"))
    parts.append(Part("J%d" % (nports + 1), "5V_in", "TERMINAL-2", {"1": "VCC", "2": "GND"},
                      ("power",), "+5 V power input (screw terminal)"))
    if link:
        _link_connectors(parts, nxt, nports)
    parts.append(Part(nxt("C"), "47u", "CP-RADIAL", {"1": "VCC", "2": "GND"}, ("power",),
                      "bulk decoupling"))
    for part in [q for q in parts if q.ref.startswith("U")]:
        parts.append(Part(nxt("C"), "100n", "C-DISC", {"1": "VCC", "2": "GND"}, ("decap", part.ref),
                          "decoupling for %s" % part.ref))
    return parts


def _flat_core(parts, nxt):
    """The 4-port hub's own combine trees, C-element and R latch."""
    parts.append(_chip(nxt("U"), "74HC21", ("core", 0), [                           # U9
        tuple(P(p, "SE1") for p in range(NPORTS)) + ("ALL1",),
        tuple(P(p, "SE0") for p in range(NPORTS)) + ("ALL0",)]))
    for b0 in (0, 2):                                                               # U10, U11
        parts.append(_chip(nxt("U"), "74HC20", ("core", 1 + b0 // 2), [
            tuple(P(p, "XE%d" % b) for p in range(NPORTS)) + ("RD%d" % b,) for b in (b0, b0 + 1)]))
    parts.append(_chip(nxt("U"), "74HC14", ("core", 3), [                           # U12
        ("ALL1", "ALL1n"), ("ALL0", "ALL0n"), ("GRC", "GDn"), ("GDn", "GO"),
        ("PORRC", "POR"), ("POR", "PORn")]))
    parts.append(_chip(nxt("U"), "74HC10", ("core", 4), [                           # U13
        ("ALL1", "ALL0n", "PORn", "SETn"), ("ALL0", "ALL1n", "PORn", "RSTn"),
        ("RSTn", "G", "PORn", "Gn")]))
    parts.append(_chip(nxt("U"), "74HC00", ("core", 5), [("SETn", "Gn", "G")]))     # U14
    _latch(parts, nxt, "R")                                                         # U15..U17


def _latch(parts, nxt, out):
    """R latched at both edges of G: a 74HC175 per edge, a 74HC157 picks the last one."""
    for clk, q in (("G", "QR"), ("Gn", "QF")):                                      # U15, U16
        pins = {"16": "VCC", "8": "GND", "9": clk, "1": "PORn"}
        for b, (d, qq, qn) in enumerate([("4", "2", "3"), ("5", "7", "6"),
                                         ("12", "10", "11"), ("13", "15", "14")]):
            pins[d] = "RD%d" % b
            pins[qq] = "%s%d" % (q, b)
        parts.append(Part(nxt("U"), "74HC175", "DIP-16", pins, ("core", 6 if q == "QR" else 7),
                          "quad D flip-flop with reset"))
    pins = {"16": "VCC", "8": "GND", "1": "G", "15": "GND"}                          # U17
    for b, (i0, i1, y) in enumerate([("2", "3", "4"), ("5", "6", "7"), ("11", "10", "9"), ("14", "13", "12")]):
        pins[i0], pins[i1], pins[y] = "QF%d" % b, "QR%d" % b, "%s%d" % (out, b)
    parts.append(Part(nxt("U"), "74HC157", "DIP-16", pins, ("core", 8), "quad 2-input multiplexer"))



# ---- the tree module: 8 ports and the link to a parent and two children ----------------------
# Link connector (2x8 box header, straight ribbon cable from a parent's DOWN to a child's UP):
# up the cable the child's (ALL1, ALL0, AND of nybbles), down the cable the parent's G and R.
LINK_PINS = {"1": "A1", "3": "A0", "5": "XA0", "6": "XA1", "7": "XA2", "8": "XA3",
             "10": "G", "11": "R0", "12": "R1", "13": "R2", "14": "R3"}
LINK_GND = ["2", "4", "9", "15", "16"]
LINK_CHILDREN = 2
MUX_BITS = [("2", "3", "4"), ("5", "6", "7"), ("11", "10", "9"), ("14", "13", "12")]   # 74HC157 I0, I1, Y


def _link_core(parts, nxt, nports):
    """Combine the 8 ports and the children, run the C-element and latch, and pick G/R:
    from this module's own state when jumpered ROOT, else from the parent link."""
    kids = range(1, LINK_CHILDREN + 1)
    for sig, out in [("SE1", "N1"), ("SE0", "N0")] + [("XE%d" % b, "NX%d" % b) for b in range(4)]:
        parts.append(_chip(nxt("U"), "74HC30", ("core", 0), [tuple(P(p, sig) for p in range(nports)) + (out,)]))
    parts.append(_chip(nxt("U"), "74HC14", ("core", 1), [
        ("N1", "A1L"), ("N0", "A0L")] + [("NX%d" % b, "XAL%d" % b) for b in range(4)]))
    terms = [("A1L", "C%d_A1", "T1n"), ("A0L", "C%d_A0", "T0n")] + [
        ("XAL%d" % b, "C%%d_XA%d" % b, "RD%d" % b) for b in range(4)]
    gates = [(own,) + tuple(kid % c for c in kids) + (out,) for own, kid, out in terms]
    parts.append(_chip(nxt("U"), "74HC10", ("core", 2), gates[:3]))
    parts.append(_chip(nxt("U"), "74HC10", ("core", 2), gates[3:]))
    parts.append(_chip(nxt("U"), "74HC14", ("core", 3), [
        ("T1n", "ALL1"), ("T0n", "ALL0")] + [("RD%d" % b, "UXA%d" % b) for b in range(4)]))
    parts.append(_chip(nxt("U"), "74HC14", ("core", 4), [
        ("GRC", "GDn"), ("GDn", "GO"), ("PORRC", "POR"), ("POR", "PORn")]))
    parts.append(_chip(nxt("U"), "74HC10", ("core", 5), [
        ("ALL1", "T0n", "PORn", "SETn"), ("ALL0", "T1n", "PORn", "RSTn"), ("RSTn", "G", "PORn", "Gn")]))
    parts.append(_chip(nxt("U"), "74HC00", ("core", 5), [("SETn", "Gn", "G")]))
    _latch(parts, nxt, "RL")
    pins = {"16": "VCC", "8": "GND", "1": "ROOT", "15": "GND"}
    for b, (i0, i1, y) in enumerate(MUX_BITS):
        pins[i0], pins[i1], pins[y] = "PR%d" % b, "RL%d" % b, "R%d" % b
    parts.append(Part(nxt("U"), "74HC157", "DIP-16", pins, ("core", 9), "root select: R from this module or the parent"))
    pins = {"16": "VCC", "8": "GND", "1": "ROOT", "15": "GND"}
    for b, (i0, i1, y) in enumerate(MUX_BITS):
        pins[i0], pins[i1] = ("PG", "G") if b == 0 else ("GND", "GND")
        if b == 0:
            pins[y] = "GS"
    parts.append(Part(nxt("U"), "74HC157", "DIP-16", pins, ("core", 9), "root select: G from this module or the parent"))


def _link_connectors(parts, nxt, nports):
    j = nports + 2
    up = {"A1": "ALL1", "A0": "ALL0", "G": "PG"}
    up.update({"XA%d" % b: "UXA%d" % b for b in range(4)})
    up.update({"R%d" % b: "PR%d" % b for b in range(4)})
    links = [("UP", up)]
    for c in range(1, LINK_CHILDREN + 1):
        dn = {"A1": "C%d_A1" % c, "A0": "C%d_A0" % c, "G": "GS"}
        dn.update({"XA%d" % b: "C%d_XA%d" % (c, b) for b in range(4)})
        dn.update({"R%d" % b: "R%d" % b for b in range(4)})
        links.append(("DOWN%d" % c, dn))
    for k, (name, sig) in enumerate(links):
        pins = {pin: sig[s] for pin, s in LINK_PINS.items()}
        pins.update({g: "GND" for g in LINK_GND})
        parts.append(Part("J%d" % (j + k), "Link", "LINK-2x8", pins, ("link", name),
                          "tree link %s (2x8 box header, straight 16-way ribbon cable)" % name))
    # a root has no parent cable, a leaf no children: pulled to what they mean when absent
    pins = {"1": "GND", "2": "PG", "3": "PR0", "4": "PR1", "5": "PR2", "6": "PR3", "7": "ROOT"}
    parts.append(Part("RN%d" % (nports + 1), "10k", "SIP-9", pins, ("link", "rn"),
                      "pull-downs: parent G/R (no parent), ROOT (jumper open = child)"))
    for c in range(1, LINK_CHILDREN + 1):
        pins = {"1": "VCC", "2": "C%d_A1" % c, "3": "C%d_A0" % c}
        pins.update({str(4 + b): "C%d_XA%d" % (c, b) for b in range(4)})
        parts.append(Part("RN%d" % (nports + 1 + c), "10k", "SIP-9", pins, ("link", "rnc%d" % c),
                          "pull-ups: no child on DOWN%d reads as neutral (1, 1, F)" % c))
    parts.append(Part("JR1", "Jumper", "JUMPER-2", {"1": "VCC", "2": "ROOT"}, ("link", "jr"),
                      "ROOT jumper (fitted = this module is the root of its tree)"))



def nets(parts):
    out = {}
    for part in parts:
        for pin, n in part.pins.items():
            out.setdefault(n, []).append((part.ref, pin))
    return out


if __name__ == "__main__":
    ps = build()
    ns = nets(ps)
    print(len(ps), "parts,", len(ns), "nets")
    for n, pads in sorted(ns.items()):
        if len(pads) < 2:
            print("single-pad net", n, pads)
