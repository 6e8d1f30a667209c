"""footprints.py -- the footprints of the hub board, written out by hand.

Dimensions follow the KiCad standard library footprints of the same parts
(DIP-x_W7.62mm, DSUB-25_Female_Horizontal_P2.77x2.84mm, R_Axial_DIN0207 P10.16mm,
C_Disc_D5.0mm P5.00mm, CP_Radial_D5.0mm P2.50mm, LED_D3.0mm, PinHeader_1x02 P2.54mm,
TerminalBlock P5.08mm, SIP-9 bussed network), so the board carries realistic
footprints inside the .kicad_pcb and needs no library to open or check.

A footprint is a dict: pads [(number, x, y, shape, size, drill)], silk / fab / courtyard
lines [(x1, y1, x2, y2)], silk circles [(cx, cy, r)], ref text position (x, y, angle),
and the library id.  Coordinates are mm, relative to the footprint origin, rotation 0.
"""


def _rect(x1, y1, x2, y2):
    return [(x1, y1, x2, y1), (x2, y1, x2, y2), (x2, y2, x1, y2), (x1, y2, x1, y1)]


def dip(n):
    half = n // 2
    pads = []
    for i in range(half):
        pads.append((str(i + 1), 0.0, i * 2.54, "rect" if i == 0 else "circle", 1.6, 0.8))
    for j in range(half):
        pads.append((str(half + j + 1), 7.62, (half - 1 - j) * 2.54, "circle", 1.6, 0.8))
    length = (half - 1) * 2.54
    silk = _rect(1.27, -1.33, 6.35, length + 1.33)
    silk += [(2.79, -1.33, 3.81, -0.6), (3.81, -0.6, 4.83, -1.33)]   # pin-1 notch
    return dict(lib="papers:DIP-%d_W7.62mm" % n, pads=pads, silk=silk, circles=[],
                fab=_rect(0.635, -1.27, 6.985, length + 1.27),
                court=_rect(-1.1, -1.55, 8.7, length + 1.55),
                ref=(3.81, length / 2, 90), descr="%d-lead DIP, 7.62 mm row spacing" % n,
                attr="through_hole")


def sip(n):
    pads = [(str(i + 1), i * 2.54, 0.0, "rect" if i == 0 else "circle", 1.6, 0.8) for i in range(n)]
    w = (n - 1) * 2.54
    return dict(lib="papers:SIP-%d_P2.54mm_Bussed" % n, pads=pads,
                silk=_rect(-1.29, -1.5, w + 1.29, 1.5) + [(1.27, -1.5, 1.27, 1.5)], circles=[],
                fab=_rect(-1.2, -1.25, w + 1.2, 1.25), court=_rect(-1.55, -1.75, w + 1.55, 1.75),
                ref=(w / 2, -2.6, 0), descr="SIP-%d bussed resistor network, pin 1 common" % n,
                attr="through_hole")


def r_axial():
    pads = [("1", 0.0, 0.0, "circle", 1.6, 0.8), ("2", 10.16, 0.0, "circle", 1.6, 0.8)]
    silk = _rect(1.93, -1.37, 8.23, 1.37) + [(1.04, 0, 1.93, 0), (9.12, 0, 8.23, 0)]
    return dict(lib="papers:R_Axial_DIN0207_P10.16mm", pads=pads, silk=silk, circles=[],
                fab=_rect(2.04, -1.25, 8.12, 1.25), court=_rect(-1.05, -1.5, 11.21, 1.5),
                ref=(5.08, 0, 0), descr="axial resistor DIN0207, 10.16 mm pitch", attr="through_hole",
                ref_size=0.9)


def c_disc():
    pads = [("1", 0.0, 0.0, "circle", 1.6, 0.8), ("2", 5.0, 0.0, "circle", 1.6, 0.8)]
    silk = [(-0.12, -1.37, 5.12, -1.37), (-0.12, 1.37, 5.12, 1.37)]
    return dict(lib="papers:C_Disc_D5.0mm_P5.00mm", pads=pads, silk=silk, circles=[],
                fab=_rect(0, -1.25, 5, 1.25), court=_rect(-1.05, -1.5, 6.05, 1.5),
                ref=(2.5, -2.3, 0), descr="ceramic disc capacitor, 5 mm pitch", attr="through_hole",
                ref_size=0.8)


def cp_radial():
    pads = [("1", 0.0, 0.0, "rect", 1.6, 0.8), ("2", 2.5, 0.0, "circle", 1.6, 0.8)]
    return dict(lib="papers:CP_Radial_D5.0mm_P2.50mm", pads=pads,
                silk=[(-1.9, -1.6, -1.1, -1.6), (-1.5, -2.0, -1.5, -1.2)], circles=[(1.25, 0, 2.62)],
                fab=[], court=_rect(-1.5, -2.9, 4.0, 2.9),
                ref=(1.25, -3.6, 0), descr="electrolytic capacitor, 5 mm, pin 1 = +", attr="through_hole",
                ref_size=0.8)


def led_3mm():
    pads = [("1", 0.0, 0.0, "rect", 1.8, 0.9), ("2", 2.54, 0.0, "circle", 1.8, 0.9)]
    return dict(lib="papers:LED_D3.0mm", pads=pads,
                silk=_rect(-1.5, -2.2, 4.04, 2.2), circles=[],
                fab=[], court=_rect(-1.75, -2.45, 4.3, 2.45),
                ref=(1.27, -3.2, 0), descr="3 mm LED, pin 1 = cathode, pin 2 = anode",
                attr="through_hole", ref_size=0.8)


def jumper2():
    pads = [("1", 0.0, 0.0, "rect", 1.7, 1.0), ("2", 2.54, 0.0, "circle", 1.7, 1.0)]
    return dict(lib="papers:PinHeader_1x02_P2.54mm", pads=pads,
                silk=_rect(-1.33, -1.33, 3.87, 1.33), circles=[],
                fab=[], court=_rect(-1.8, -1.8, 4.35, 1.8),
                ref=(1.27, -2.5, 0), descr="2-pin header, jumper (fitted = port enabled)",
                attr="through_hole", ref_size=0.8)


def terminal2():
    pads = [("1", 0.0, 0.0, "rect", 2.6, 1.3), ("2", 5.08, 0.0, "circle", 2.6, 1.3)]
    return dict(lib="papers:TerminalBlock_1x02_P5.08mm", pads=pads,
                silk=_rect(-2.6, -3.6, 7.68, 4.1), circles=[],
                fab=[], court=_rect(-3.0, -4.0, 8.1, 4.5),
                ref=(2.54, -4.8, 0), descr="2-pole screw terminal, 5.08 mm, pin 1 = +5 V",
                attr="through_hole")


def db25_female():
    pads = [("1", 0.0, 0.0, "rect", 1.6, 1.0)]
    for i in range(2, 14):
        pads.append((str(i), -(i - 1) * 2.77, 0.0, "circle", 1.6, 1.0))
    for i in range(14, 26):
        pads.append((str(i), -1.385 - (i - 14) * 2.77, 2.84, "circle", 1.6, 1.0))
    # mounting holes of the bracket (plated, no net)
    pads.append(("", -40.17, 1.42, "circle", 4.0, 3.2))
    pads.append(("", 6.93, 1.42, "circle", 4.0, 3.2))
    silk = [(-43.23, -1.86, 9.99, -1.86), (-43.23, -1.86, -43.23, 9.3), (9.99, -1.86, 9.99, 9.3),
            (-0.25, -2.75, 0.25, -2.75), (0.25, -2.75, 0, -2.32), (0, -2.32, -0.25, -2.75)]
    return dict(lib="papers:DSUB-25_Female_Horizontal_P2.77x2.84mm", pads=pads, silk=silk,
                circles=[], fab=_rect(-43.17, -1.8, 9.93, 12.74) + _rect(-35.77, 13.14, 2.53, 19.31),
                court=_rect(-43.7, -2.35, 10.45, 19.85), ref=(-16.62, 6.0, 0),
                descr="DB-25 female, right angle, board edge 9.9 mm from the pins",
                attr="through_hole")


def box_header_2x8():
    """2x8 shrouded box header, 2.54 mm, vertical; pin 1 square; odd pins in the row y = 0,
    even pins in the row y = 2.54 (a ribbon cable's pin 1 and 2 are neighbours)."""
    pads = []
    for n in range(1, 17):
        col, row = (n - 1) // 2, (n - 1) % 2
        pads.append((str(n), col * 2.54, row * 2.54, "rect" if n == 1 else "circle", 1.7, 1.0))
    w = 7 * 2.54
    silk = _rect(-6.2, -3.2, w + 6.2, 5.74) + [(w / 2 - 2.2, 5.74, w / 2 - 2.2, 4.4),
                                              (w / 2 - 2.2, 4.4, w / 2 + 2.2, 4.4),
                                              (w / 2 + 2.2, 4.4, w / 2 + 2.2, 5.74)]   # keying slot
    return dict(lib="papers:IDC-Header_2x08_P2.54mm_Vertical", pads=pads, silk=silk, circles=[(-2.2, 0, 0.3)],
                fab=_rect(-6.1, -3.1, w + 6.1, 5.64), court=_rect(-6.6, -3.6, w + 6.6, 6.15),
                ref=(w / 2, -4.3, 0), descr="2x8 box header, 2.54 mm, tree link (16-way ribbon cable)",
                attr="through_hole", ref_size=0.9)


FOOTPRINTS = {
    "DIP-14": lambda: dip(14), "DIP-16": lambda: dip(16), "DIP-20": lambda: dip(20),
    "SIP-9": lambda: sip(9), "R-AXIAL": r_axial, "C-DISC": c_disc, "CP-RADIAL": cp_radial,
    "LED-3MM": led_3mm, "JUMPER-2": jumper2, "TERMINAL-2": terminal2, "DB25F": db25_female,
    "LINK-2x8": box_header_2x8,
}


def courtyard_box(fp):
    xs = [c for ln in fp["court"] for c in (ln[0], ln[2])]
    ys = [c for ln in fp["court"] for c in (ln[1], ln[3])]
    return min(xs), min(ys), max(xs), max(ys)
