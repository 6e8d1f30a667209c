"""logic_parts.py -- pin functions of the logic parts the PAPERS hub board uses.

One table per part number, taken from the 74HC datasheets (NXP/TI, DIP pinout).
The board generator uses it to put each gate on the right pins; the board checker
uses it to turn the pads it reads back from the .kicad_pcb into a gate netlist it
can simulate.  Pin numbers are DIP pin numbers (strings, as in the .kicad_pcb).

Element kinds (what the simulator knows how to evaluate):
  NAND, AND, OR : n inputs -> 1 output
  NOT           : 1 input -> 1 output (74HC14: Schmitt-trigger inverter)
  BUF           : 1 input -> 1 output, enabled by an active-low OE pin (74HC244)
  MUX2          : (I0, I1) -> Y selected by S, active-low enable E (74HC157)
  DFF           : D -> Q (and /Q) on the rising edge of CP, active-low clear MR (74HC175)
tpd is a typical 4.5 V propagation delay in ns (datasheet "typ" column, rounded);
the checker's event simulation uses it so that the settling argument of the board
(X paths faster than the delayed S paths) is exercised, not assumed.
"""

# Two-input gates in the classic 14-pin quad layout (74HC00/08/32).
_QUAD2 = [(("1", "2"), "3"), (("4", "5"), "6"), (("9", "10"), "8"), (("12", "13"), "11")]
# Hex inverter layout (74HC04/14).
_HEX1 = [(("1",), "2"), (("3",), "4"), (("5",), "6"), (("9",), "8"), (("11",), "10"), (("13",), "12")]
# Dual 4-input layout (74HC20/21); pins 3 and 11 are not connected inside.
_DUAL4 = [(("1", "2", "4", "5"), "6"), (("9", "10", "12", "13"), "8")]
# Triple 3-input layout (74HC10/11).
_TRIPLE3 = [(("1", "2", "13"), "12"), (("3", "4", "5"), "6"), (("9", "10", "11"), "8")]


def _gates(kind, layout):
    return [dict(kind=kind, inputs=list(i), outputs=[o]) for i, o in layout]


PARTS = {
    "74HC00": dict(pins=14, vcc="14", gnd="7", tpd=8, nc=[],
                   desc="quad 2-input NAND", elements=_gates("NAND", _QUAD2)),
    "74HC08": dict(pins=14, vcc="14", gnd="7", tpd=10, nc=[],
                   desc="quad 2-input AND", elements=_gates("AND", _QUAD2)),
    "74HC32": dict(pins=14, vcc="14", gnd="7", tpd=10, nc=[],
                   desc="quad 2-input OR", elements=_gates("OR", _QUAD2)),
    "74HC04": dict(pins=14, vcc="14", gnd="7", tpd=8, nc=[],
                   desc="hex inverter", elements=_gates("NOT", _HEX1)),
    "74HC14": dict(pins=14, vcc="14", gnd="7", tpd=12, nc=[],
                   desc="hex Schmitt-trigger inverter", elements=_gates("NOT", _HEX1)),
    "74HC10": dict(pins=14, vcc="14", gnd="7", tpd=10, nc=[],
                   desc="triple 3-input NAND", elements=_gates("NAND", _TRIPLE3)),
    "74HC20": dict(pins=14, vcc="14", gnd="7", tpd=11, nc=["3", "11"],
                   desc="dual 4-input NAND", elements=_gates("NAND", _DUAL4)),
    # 74HC30: one 8-input NAND, inputs 1-6, 11, 12, output 8; pins 9, 10, 13 not connected.
    "74HC30": dict(pins=14, vcc="14", gnd="7", tpd=12, nc=["9", "10", "13"],
                   desc="8-input NAND", elements=_gates("NAND", [(("1", "2", "3", "4", "5", "6", "11", "12"), "8")])),
    "74HC21": dict(pins=14, vcc="14", gnd="7", tpd=12, nc=["3", "11"],
                   desc="dual 4-input AND", elements=_gates("AND", _DUAL4)),
    # 74HC175: quad D flip-flop, common clock CP (9) and active-low master reset MR (1).
    "74HC175": dict(pins=16, vcc="16", gnd="8", tpd=16, nc=[],
                    desc="quad D flip-flop with reset", setup=12,
                    elements=[dict(kind="DFF", clock="9", clear_n="1",
                                   bits=[("4", "2", "3"), ("5", "7", "6"),
                                         ("12", "10", "11"), ("13", "15", "14")])]),
    # 74HC157: quad 2-to-1 multiplexer, select S (1), active-low enable E (15); Y = S ? I1 : I0.
    "74HC157": dict(pins=16, vcc="16", gnd="8", tpd=14, nc=[],
                    desc="quad 2-input multiplexer",
                    elements=[dict(kind="MUX2", select="1", enable_n="15",
                                   bits=[("2", "3", "4"), ("5", "6", "7"),
                                         ("11", "10", "9"), ("14", "13", "12")])]),
    # 74HC244: octal buffer, two groups of four with active-low output enables 1OE (1), 2OE (19).
    "74HC244": dict(pins=20, vcc="20", gnd="10", tpd=12, nc=[],
                    desc="octal buffer/line driver (3-state)",
                    elements=[dict(kind="BUF", oe_n="1", inputs=[a], outputs=[y])
                              for a, y in (("2", "18"), ("4", "16"), ("6", "14"), ("8", "12"))] +
                             [dict(kind="BUF", oe_n="19", inputs=[a], outputs=[y])
                              for a, y in (("17", "3"), ("15", "5"), ("13", "7"), ("11", "9"))]),
}


def element_inputs(el):
    """Every input pin of an element (data, clock, enables), in a fixed order."""
    k = el["kind"]
    if k in ("NAND", "AND", "OR", "NOT"):
        return list(el["inputs"])
    if k == "BUF":
        return list(el["inputs"]) + [el["oe_n"]]
    if k == "MUX2":
        return [el["select"], el["enable_n"]] + [p for b in el["bits"] for p in b[:2]]
    if k == "DFF":
        return [el["clock"], el["clear_n"]] + [b[0] for b in el["bits"]]
    raise KeyError(k)


def element_outputs(el):
    k = el["kind"]
    if k in ("NAND", "AND", "OR", "NOT", "BUF"):
        return list(el["outputs"])
    if k == "MUX2":
        return [b[2] for b in el["bits"]]
    if k == "DFF":
        return [p for b in el["bits"] for p in b[1:]]
    raise KeyError(k)


def is_logic(value):
    return value in PARTS
