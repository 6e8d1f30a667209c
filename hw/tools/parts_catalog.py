"""parts_catalog.py -- what to order for each part of the PAPERS boards: manufacturer, part
number, datasheet and an estimated unit price.

One entry per (value, footprint) of hub_design.py.  The part numbers are current through-hole
parts (TI's SN74HC DIP line, Yageo MFR-25 resistors, Vishay K-series ceramics, Bourns 4600X
networks, ...).  Prices are single-unit distributor prices in EUR as estimated when this table
was written (no price lookup runs here: check a distributor before ordering); the BOM adds
them up per board.  The schematic symbols carry Manufacturer, MPN and Datasheet from here, so
KiCad's own BOM export lists them too.
"""

TI = "https://www.ti.com/lit/ds/symlink/%s.pdf"

# (value, footprint) -> (manufacturer, MPN, datasheet, EUR each)
CATALOG = {
    ("74HC00", "DIP-14"): ("Texas Instruments", "SN74HC00N", TI % "sn74hc00", 0.55),
    ("74HC10", "DIP-14"): ("Texas Instruments", "SN74HC10N", TI % "sn74hc10", 0.60),
    ("74HC14", "DIP-14"): ("Texas Instruments", "SN74HC14N", TI % "sn74hc14", 0.60),
    ("74HC20", "DIP-14"): ("Texas Instruments", "SN74HC20N", TI % "sn74hc20", 0.65),
    ("74HC21", "DIP-14"): ("Texas Instruments", "SN74HC21N", TI % "sn74hc21", 0.75),
    ("74HC30", "DIP-14"): ("Texas Instruments", "SN74HC30N", TI % "sn74hc30", 0.65),
    ("74HC32", "DIP-14"): ("Texas Instruments", "SN74HC32N", TI % "sn74hc32", 0.55),
    ("74HC157", "DIP-16"): ("Texas Instruments", "SN74HC157N", TI % "sn74hc157", 0.75),
    ("74HC175", "DIP-16"): ("Texas Instruments", "SN74HC175N", TI % "sn74hc175", 0.85),
    ("74HC244", "DIP-20"): ("Texas Instruments", "SN74HC244N", TI % "sn74hc244", 0.95),
    ("DB25_Female", "DB25F"): ("Amphenol ICC", "L717SDB25S",
                               "https://www.amphenol-icc.com/media/wysiwyg/files/drawing/l717sdxxx.pdf", 3.20),
    ("10k", "SIP-9"): ("Bourns", "4609X-101-103LF", "https://www.bourns.com/docs/Product-Datasheets/4600x.pdf",
                       0.40),
    ("1k", "R-AXIAL"): ("Yageo", "MFR-25FBF52-1K", "https://www.yageo.com/upload/media/product/products/"
                        "datasheet/lr/Yageo_LR_MFR_1.pdf", 0.10),
    ("470", "R-AXIAL"): ("Yageo", "MFR-25FBF52-470R", "https://www.yageo.com/upload/media/product/products/"
                         "datasheet/lr/Yageo_LR_MFR_1.pdf", 0.10),
    ("10k", "R-AXIAL"): ("Yageo", "MFR-25FBF52-10K", "https://www.yageo.com/upload/media/product/products/"
                         "datasheet/lr/Yageo_LR_MFR_1.pdf", 0.10),
    ("220p", "C-DISC"): ("Vishay", "K221J15C0GF5TL2", "https://www.vishay.com/docs/45171/kseries.pdf", 0.25),
    ("100n", "C-DISC"): ("Vishay", "K104K15X7RF5TL2", "https://www.vishay.com/docs/45171/kseries.pdf", 0.20),
    ("10u", "CP-RADIAL"): ("Nichicon", "UVR1C100MDD", "https://www.nichicon.co.jp/english/products/pdfs/"
                           "e-uvr.pdf", 0.15),
    ("47u", "CP-RADIAL"): ("Nichicon", "UVR1C470MDD", "https://www.nichicon.co.jp/english/products/pdfs/"
                           "e-uvr.pdf", 0.20),
    ("LED", "LED-3MM"): ("Kingbright", "WP710A10SRD", "https://www.kingbrightusa.com/images/catalog/SPEC/"
                         "WP710A10SRD.pdf", 0.20),
    ("Jumper", "JUMPER-2"): ("Würth Elektronik", "61300211121", "https://www.we-online.com/components/products/"
                             "datasheet/61300211121.pdf", 0.15),
    ("Link", "LINK-2x8"): ("Würth Elektronik", "61201621621", "https://www.we-online.com/components/products/"
                           "datasheet/61201621621.pdf", 0.60),
    ("5V_in", "TERMINAL-2"): ("Phoenix Contact", "1715721", "https://www.phoenixcontact.com/us/products/1715721",
                              0.90),
}

# Ordered with the board, not on it: (what, manufacturer, MPN, quantity per port or per board, EUR)
EXTRAS = [
    ("jumper shunt, 2.54 mm (one per jumper)", "Würth Elektronik", "60900213421", "jumper", 0.10),
    ("DB-25 male/male straight cable, 2 m (one per PE)", "any", "-", "port", 6.00),
    ("regulated 5 V supply, >= 200 mA", "any", "-", "board", 6.00),
    ("16-way IDC ribbon cable, socket both ends, 30 cm (one per child module)", "any", "-", "link", 2.50),
]
PCB_EUR_PER_CM2 = 0.035   # a 2-layer board in a batch of five from a low-cost PCB service (232 x 150 mm: EUR 12)


def entry(part):
    key = (part.value, part.footprint)
    if key not in CATALOG:
        raise SystemExit("parts_catalog: no orderable part for %s (%s, %s): add it to CATALOG" % (
            part.ref, part.value, part.footprint))
    return CATALOG[key]


def fields(part):
    """Symbol fields of a part (the schematic generator's catalog hook)."""
    mfr, mpn, datasheet, _ = entry(part)
    return {"Manufacturer": mfr, "MPN": mpn, "Datasheet": datasheet}


def bom_markdown(parts, nports, title, size_mm):
    """The bill of materials of one board as a markdown table, with the per-board cost."""
    import re
    groups = {}
    for p in parts:
        groups.setdefault((p.value, p.footprint), []).append(p)

    def refkey(r):
        m = re.match(r"([A-Z]+)(\d+)", r)
        return (m.group(1), int(m.group(2)))
    rows = sorted(groups.items(), key=lambda kv: refkey(min((q.ref for q in kv[1]), key=refkey)))
    out = ["# Bill of materials: %s" % title, "",
           "Generated from `hw/tools/hub_design.py` and `hw/tools/parts_catalog.py` by "
           "`cd hw && python3 -m tools.gen_hub_board`; prices are estimates in EUR (single units), "
           "check a distributor before ordering.", "",
           "| qty | value | manufacturer | MPN | references | what | EUR each | EUR |",
           "|---:|---|---|---|---|---|---:|---:|"]
    total = 0.0
    for (val, fp), ps in rows:
        mfr, mpn, ds, eur = entry(ps[0])
        refs = ", ".join(sorted((q.ref for q in ps), key=refkey))
        whats = sorted({q.desc.split(" for ")[0] for q in ps})
        line = eur * len(ps)
        total += line
        out.append("| %d | %s | %s | [%s](%s) | %s | %s | %.2f | %.2f |" % (
            len(ps), val, mfr, mpn, ds, refs, "; ".join(whats), eur, line))
    out.append("| | | | | | **parts on the board** | | **%.2f** |" % total)
    pcb = round(PCB_EUR_PER_CM2 * size_mm[0] * size_mm[1] / 100)
    out.append("| 1 | PCB | | | | 2 layers, %.0f x %.0f mm, from the Gerbers (batch of 5) | %.2f | %.2f |" % (
        size_mm[0], size_mm[1], pcb, pcb))
    total += pcb
    for what, mfr, mpn, per, eur in EXTRAS:
        n = {"port": nports, "board": 1, "jumper": sum(1 for p in parts if p.value == "Jumper"),
             "link": sum(1 for p in parts if p.value == "Link") - 1}[per]
        if n <= 0:
            continue
        out.append("| %d | | %s | %s | | %s | %.2f | %.2f |" % (n, mfr, mpn, what, eur, n * eur))
        total += n * eur
    out += ["", "**Estimated cost per board, with PCB, shunts, cables and supply: EUR %.0f** "
            "(%d parts on the board)." % (total, len(parts)), ""]
    return "\n".join(out)
