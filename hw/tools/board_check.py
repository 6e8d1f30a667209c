#!/usr/bin/env python3
"""board_check.py -- the checks of the PAPERS hub board (hw/papers-hub/), headless.

  drc        KiCad 9 DRC (kicad-cli, JSON report, all severities): 0 violations, 0 unconnected
             items (the report goes into --out).
  erc        KiCad 9 ERC (kicad-cli, all severities): 0 violations.
  exports    Gerbers + drill files, schematic PDF + SVG, BOM CSV and a 3D render (kicad-cli) into --out.
  vs-rtl     board = RTL: simulate the board's gates (read back from the .kicad_pcb)
             and the Verilated RTL (papers-board-vs-rtl) on the same input sequences,
             compare G and R at steady state; exhaustive over the 4-port X combinations.
  pins       connector pins carry the signals of spec sections 2-3.
  schematic  the .kicad_sch label netlist equals the .kicad_pcb pad netlist.

drc, erc and exports need kicad-cli (KiCad 9); the rest is stdlib-only. A module of the
hw/tools package: from hw/, `python3 -m tools.board_check <command> ...`.
"""
import argparse
import os
import random
import subprocess
import sys
import time

from . import board_sim as bs
from . import kicad_cli as kc
from . import sexpr
from .logic_parts import PARTS


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# ---- drc / erc / exports (kicad-cli) ----------------------------------------------------------
PCB_VERSION = "20241229"      # KiCad 9.0's board format
SCH_VERSION = "20250114"      # KiCad 9.0's schematic format
FAB_LAYERS = ["F.Cu", "B.Cu", "F.Mask", "B.Mask", "F.SilkS", "Edge.Cuts"]
FAB_FILES = ["F_Cu", "B_Cu", "F_Mask", "B_Mask", "F_Silkscreen", "Edge_Cuts"]   # KiCad's file names


def _check_version(path, tag, want):
    with open(path, encoding="utf-8") as f:
        tree = sexpr.parse(f.read())
    ver = sexpr.child(tree, "version")
    if tree[0] != tag or not ver or ver[1] != want:
        fail("%s is not saved in KiCad 9 format (%s version %s): %s %s" % (
            path, tag, want, tree[0], ver[1] if ver else "no version"))


def _report(kind, items):
    for v in items[:30]:
        print("  " + kc.describe(v), file=sys.stderr)
    if len(items) > 30:
        print("  ... and %d more" % (len(items) - 30), file=sys.stderr)


def cmd_drc(args):
    """KiCad 9 DRC (all severities, library footprint checks included): nothing may be reported."""
    _check_version(args.board, "kicad_pcb", PCB_VERSION)
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.board))[0]
    report = os.path.join(args.out, stem + "-drc.json")
    viol, unconnected, parity = kc.drc(args.board, report, schematic_parity=args.parity)
    print("KiCad %s DRC of %s: %d violations (warnings included), %d unconnected items, %d schematic "
          "parity issues (report: %s)" % (kc.report_version(report), args.board, len(viol), len(unconnected),
                                          len(parity), report))
    if viol or unconnected or parity:
        _report("DRC", viol + unconnected + parity)
        fail("DRC: %d violations, %d unconnected, %d parity" % (len(viol), len(unconnected), len(parity)))
    print("PASS board_drc")


def cmd_erc(args):
    """KiCad 9 ERC (all severities): nothing may be reported."""
    _check_version(args.sch, "kicad_sch", SCH_VERSION)
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.sch))[0]
    report = os.path.join(args.out, stem + "-erc.json")
    viol = kc.erc(args.sch, report)
    print("KiCad %s ERC of %s: %d violations (warnings included; report: %s)" % (
        kc.report_version(report), args.sch, len(viol), report))
    if viol:
        for sheet, v in viol[:30]:
            print("  %s: %s" % (sheet, kc.describe(v)), file=sys.stderr)
        fail("ERC: %d violations" % len(viol))
    print("PASS board_erc")


def fabrication_files(board, out):
    """Gerbers, job file and Excellon drill files: the set a PCB service asks for."""
    os.makedirs(out, exist_ok=True)
    stem = os.path.splitext(os.path.basename(board))[0]
    kc.run(["pcb", "export", "gerbers", "--layers", ",".join(FAB_LAYERS), "--subtract-soldermask",
            "--no-protel-ext", "-o", out + os.sep, board])
    kc.run(["pcb", "export", "drill", "--format", "excellon", "--excellon-separate-th",
            "--generate-map", "--map-format", "pdf", "-o", out + os.sep, board])
    want = ["%s-%s.gbr" % (stem, n) for n in FAB_FILES] + [
        "%s-PTH.drl" % stem, "%s-NPTH.drl" % stem, "%s-job.gbrjob" % stem]
    missing = [w for w in want if not os.path.exists(os.path.join(out, w))
               or not os.path.getsize(os.path.join(out, w))]
    if missing:
        fail("fabrication files missing or empty in %s: %s" % (out, missing))
    with open(os.path.join(out, "%s-PTH.drl" % stem), encoding="utf-8") as f:
        holes = sum(1 for ln in f if ln.startswith("X"))
    print("fabrication files in %s: %s (%d plated holes)" % (out, ", ".join(want), holes))


def cmd_exports(args):
    """Gerbers and drill files (--out/gerbers), schematic PDF and SVG, BOM (CSV) and a 3D
    render of the board, into --out."""
    os.makedirs(args.out, exist_ok=True)
    fabrication_files(args.board, os.path.join(args.out, "gerbers"))
    stem = os.path.splitext(os.path.basename(args.board))[0]
    out = args.out + os.sep
    kc.run(["sch", "export", "pdf", "-o", os.path.join(args.out, stem + "-schematic.pdf"), args.sch])
    kc.run(["sch", "export", "svg", "-o", os.path.join(args.out, "svg"), args.sch])
    kc.run(["sch", "export", "bom", "--fields", "Reference,Value,Footprint,${QUANTITY},MPN,Manufacturer",
            "--group-by", "Value,Footprint", "-o", os.path.join(args.out, stem + "-bom.csv"), args.sch])
    kc.run(["pcb", "render", "--quality", "basic", "--width", "1600", "--height", "1000",
            "-o", os.path.join(args.out, stem + "-3d.png"), args.board], timeout=240)
    made = []
    for d, _, names in os.walk(args.out):
        made += [os.path.relpath(os.path.join(d, n), args.out) for n in names
                 if os.path.getsize(os.path.join(d, n))]
    need = [stem + "-schematic.pdf", stem + "-bom.csv", stem + "-3d.png"]
    missing = [n for n in need if n not in made] + ([] if any(m.endswith(".svg") for m in made)
                                                    else ["svg/*.svg"])
    if missing:
        fail("exports missing or empty in %s: %s" % (out, missing))
    print("exports in %s: %s" % (out, ", ".join(sorted(made))))
    print("PASS board_exports")


# ---- board = RTL --------------------------------------------------------------------------------
def sequences(nports, seed):
    """Yield (label, en_mask, plugged_mask, steps) with steps a list of {port: byte}."""
    rng = random.Random(seed)
    full = (1 << nports) - 1
    # 1. X exhaustive: every combination of the enabled ports' nybbles is latched once, for every
    #    enable mask; the PEs behave: each toggles S with its new X in one write (random port order,
    #    random L), disabled ports write noise now and then.
    for en in range(1, full + 1):
        ports = [p for p in range(nports) if en >> p & 1]
        combos = list(range(1 << (4 * len(ports))))
        rng.shuffle(combos)
        steps, s, data = [], 0, [0] * nports
        for c in combos:
            s ^= 1
            order = ports[:]
            rng.shuffle(order)
            for p in order:
                x = c >> (4 * ports.index(p)) & 0xF
                data[p] = (s << 4) | x | (rng.randrange(2) << 5)
                steps.append({p: data[p]})
            if rng.random() < 0.05:
                others = [p for p in range(nports) if not en >> p & 1]
                if others:
                    p = rng.choice(others)
                    data[p] = rng.randrange(64)
                    steps.append({p: data[p]})
        yield ("X-exhaustive en=%X" % en, en, full, steps)
    # 2. S walks: every enable mask (also 0) and plug mask; random single-port writes that need
    #    not follow the protocol (S toggled or not, X changed with or without S), so the
    #    C-element sees every strobe pattern from both G states and the latch sees X changes
    #    that must NOT be captured.
    for en in range(full + 1):
        for plugged in (full, rng.randrange(full + 1)):
            steps, data = [], [0] * nports
            for _ in range(150):
                p = rng.randrange(nports)
                if not plugged >> p & 1:
                    continue
                r = rng.random()
                if r < 0.5:
                    data[p] = (data[p] ^ 0x10) & 0x10 | rng.randrange(16) | (rng.randrange(2) << 5)
                elif r < 0.8:
                    data[p] = data[p] & 0x10 | rng.randrange(16) | (rng.randrange(2) << 5)
                else:
                    data[p] = rng.randrange(256) & 0x3F
                steps.append({p: data[p]})
            yield ("S-walk en=%X plugged=%X" % (en, plugged), en, plugged, steps)


def sampled_sequences(nports, seed, masks, ops, walks, walk_steps):
    """Where every combination of X is too many (8 ports: 16^8): for each enable mask in `masks`,
    `ops` operations with random nybbles (every enabled PE toggles S with its new X, random
    port order, random L, noise from disabled ports), then S walks as in sequences() for
    `walks` masks of `walk_steps` random writes each."""
    rng = random.Random(seed)
    full = (1 << nports) - 1
    for en in masks:
        ports = [p for p in range(nports) if en >> p & 1]
        steps, s, data = [], 0, [0] * nports
        for _ in range(ops):
            s ^= 1
            order = ports[:]
            rng.shuffle(order)
            for p in order:
                data[p] = (s << 4) | rng.choice([0x0, 0xF, rng.randrange(16), rng.randrange(16)]) | (rng.randrange(2) << 5)
                steps.append({p: data[p]})
            if rng.random() < 0.1 and en != full:
                p = rng.choice([q for q in range(nports) if not en >> q & 1])
                data[p] = rng.randrange(64)
                steps.append({p: data[p]})
        yield ("X-sample en=%X" % en, en, full, steps)
    for k in range(walks):
        en = [0, full][k] if k < 2 else rng.randrange(full + 1)
        plugged = full if k % 2 == 0 else rng.randrange(full + 1)
        steps, data = [], [0] * nports
        for _ in range(walk_steps):
            p = rng.randrange(nports)
            if not plugged >> p & 1:
                continue
            r = rng.random()
            if r < 0.5:
                data[p] = (data[p] ^ 0x10) & 0x10 | rng.randrange(16) | (rng.randrange(2) << 5)
            elif r < 0.8:
                data[p] = data[p] & 0x10 | rng.randrange(16) | (rng.randrange(2) << 5)
            else:
                data[p] = rng.randrange(256) & 0x3F
            steps.append({p: data[p]})
        yield ("S-walk en=%X plugged=%X" % (en, plugged), en, plugged, steps)


def compare(board, seqs, rtl_cmd, timeout, closed=(), what="board"):
    """Run `seqs` through the gate simulation of `board` and through the RTL; fail on any
    difference of G/R at steady state, any port disagreeing, an LED not following L, or a
    timing violation.  Returns (sequences, steps) compared."""
    t0 = time.time()
    nports = len(board.ports)
    # one RTL run for everything
    lines = []
    for label, en, plugged, steps in seqs:
        lines.append("reset %X" % en)
        for st in steps:
            lines.append("step " + " ".join("%X:%X" % (p, b) for p, b in sorted(st.items())))
    try:
        proc = subprocess.run(rtl_cmd, input="\n".join(lines) + "\n", capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("%s did not finish within %d s" % (rtl_cmd, timeout))
    if proc.returncode != 0:
        fail("%s exited %d: %s" % (rtl_cmd, proc.returncode, proc.stderr.strip()))
    rtl = proc.stdout.split("\n")
    if len([r for r in rtl if r]) != len(lines):
        fail("RTL answered %d lines for %d commands" % (len([r for r in rtl if r]), len(lines)))
    t_rtl = time.time() - t0
    k = 0
    total = 0
    mismatches = []
    for label, en, plugged, steps in seqs:
        sim = bs.Sim(board, en, plugged, closed)
        data = [0] * nports
        sim.power_on(data)
        history = []
        for i in range(len(steps) + 1):
            if i:
                st = steps[i - 1]
                sim.step(st)
                for p, b in st.items():
                    data[p] = b
            history.append(" ".join("P%d<-%02X" % (p, b) for p, b in sorted(steps[i - 1].items()))
                           if i else "power-on")
            g_r, r_r = rtl[k].split()
            k += 1
            want = (int(g_r), int(r_r, 16))
            outs = sim.outputs()
            bad = None
            if any(o != outs[0] for o in outs):
                bad = "ports disagree: %s" % outs
            elif outs[0] != want:
                bad = "board G=%s R=%s, RTL G=%d R=%X" % (outs[0][0], "X" if outs[0][1] is None else "%X" % outs[0][1],
                                                          want[0], want[1])
            for p in range(nports):
                if p in sim.leds and sim.led(p) != bool(plugged >> p & 1 and data[p] >> 5 & 1):
                    bad = (bad + "; " if bad else "") + "LED %d is %s with L=%d" % (
                        p, "on" if sim.led(p) else "off", data[p] >> 5 & 1)
            if sim.violations:
                bad = (bad + "; " if bad else "") + "timing: " + "; ".join(sim.violations[:3])
                sim.violations.clear()
            if bad:
                mismatches.append("%s, step %d (%s; DATA of ports 0.. now %s; previous steps %s): %s" % (
                    label, i, history[-1], ["%02X" % d for d in data], history[-4:-1], bad))
                if len(mismatches) >= 10:
                    break
        total += len(steps) + 1
        if len(mismatches) >= 10:
            break
    dt = time.time() - t0
    print("%s = RTL: %d sequences, %d steps compared (%d ports), %.1f s (RTL %.1f s)" % (
        what, len(seqs), total, nports, dt, t_rtl))
    if mismatches:
        for m in mismatches:
            print("MISMATCH " + m, file=sys.stderr)
        fail("%d mismatches between the %s and the RTL" % (len(mismatches), what))
    return len(seqs), total


def root_jumpers(board):
    """A tree module alone is the root of a one-module tree: its ROOT jumper is fitted."""
    return {r for r in board.parts if r.startswith("JR")} if board.links else set()


def cmd_vs_rtl(args):
    board = bs.Board(args.board)
    nports = len(board.ports)
    if nports == 0:
        fail("no DB25_Female port connectors on the board")
    closed = root_jumpers(board)
    if nports <= 4:
        seqs = list(sequences(nports, args.seed))
    else:
        full = (1 << nports) - 1
        seqs = list(sampled_sequences(nports, args.seed, range(1, full + 1), args.ops, 24, 120))
    compare(board, seqs, [args.rtl], args.timeout, closed)
    print("PASS board_vs_rtl")


# ---- a tree of modules = the RTL tree --------------------------------------------------------------
TOPOLOGIES = {
    # name: (modules, cables (parent, DOWN number from 0, child)); module 0 is the root
    "star": (3, [(0, 1, 1), (0, 2, 2)]),      # a root and two children: two levels
    "chain": (3, [(0, 1, 1), (1, 1, 2)]),     # root -> module -> module: three levels
    "pair": (2, [(0, 2, 1)]),                 # a root and one child on its second DOWN link
}


def cmd_vs_rtl_tree(args):
    """Modules wired through their link connectors as a tree (TOPOLOGIES), compared step by step
    at steady state with papers_hub_tree (8 ports per leaf): module k's port i is the RTL's tree
    port 8k+i (leaf k); the RTL's other leaves stay disabled.  G/R must be equal at every port of
    every module."""
    module = bs.Board(args.board)
    per = len(module.ports)
    if per != 8 or len(module.links) != 3:
        fail("%s: a tree module has 8 ports and 3 link connectors (UP, DOWN1, DOWN2); found %d, %s" % (
            args.board, per, module.links))
    total_seqs = total_steps = 0
    for name, (n, cables) in sorted(TOPOLOGIES.items()):
        tree = bs.Board.tree([module] * n, cables)
        nports = len(tree.ports)
        full = (1 << nports) - 1
        rng = random.Random(args.seed)
        masks = [full, 0xFF, full & ~0xFF] + [1 << p for p in range(0, nports, 5)] + [
            rng.randrange(1, full + 1) for _ in range(40)]
        seqs = list(sampled_sequences(nports, args.seed, masks, 6, 10, 120))
        ns, nt = compare(tree, seqs, [args.rtl, "--tree"], args.timeout, {"JR1_0"},
                         "tree '%s' of %d modules" % (name, n))
        total_seqs += ns
        total_steps += nt
    print("PASS board_tree_vs_rtl: %d sequences, %d steps over %d topologies" % (
        total_seqs, total_steps, len(TOPOLOGIES)))


# ---- connector pins -------------------------------------------------------------------------------
def cmd_pins(args):
    board = bs.Board(args.board)
    errors = []
    nports = len(board.ports)
    if nports < 2:
        errors.append("a hub needs at least 2 port connectors, found %d" % nports)
    for port, ref in enumerate(board.ports):
        pins = board.parts[ref]["pins"]
        # net names (readable statement of spec sections 2-3)
        want = {"2": "X0", "3": "X1", "4": "X2", "5": "X3", "6": "S", "7": "L",
                "15": "R0", "13": "R1", "12": "R2", "10": "R3", "11": "G"}
        for pin, sig in want.items():
            if pins.get(pin) != "P%d_%s" % (port, sig):
                errors.append("%s pin %s: net %s, expected P%d_%s" % (ref, pin, pins.get(pin), port, sig))
        for pin in bs.DB25_GND:
            if pins.get(pin) != "GND":
                errors.append("%s pin %s (ground) is on %s" % (ref, pin, pins.get(pin)))
        for pin in bs.DB25_CONTROL + ["8", "9"]:
            if pin in pins:
                # must not be driven by the hub (a PC output)
                drivers = [(r, p) for r, p in board.nets()[pins[pin]]
                           if board.parts[r]["value"] in PARTS]
                if drivers:
                    errors.append("%s pin %s (a PC output) is wired to logic: %s" % (ref, pin, drivers))
    # behaviour, pin by pin: only this port plugged in and enabled
    for port in range(nports):
        sim = bs.Sim(board, 1 << port, 1 << port, root_jumpers(board))
        sim.power_on([0] * nports)
        s = 0
        for bit in range(4):
            for x in (1 << bit, 0xF & ~(1 << bit)):
                s ^= 1
                sim.step({port: s << 4 | x})
                g, r = sim.outputs()[port]
                if g != s or r != (~x & 0xF):
                    errors.append("port %d: DATA %02X (pin %d high: %s) gives G=%s R=%s, expected G=%d R=%X" % (
                        port, s << 4 | x, 2 + bit, x >> bit & 1, g, r, s, ~x & 0xF))
        for l in (1, 0):
            sim.step({port: s << 4 | l << 5})
            if sim.led(port) != bool(l):
                errors.append("port %d: LED does not follow L (pin 7) = %d" % (port, l))
        # the other ports' status pins show the same G/R (all unplugged, same hub)
        outs = sim.outputs()
        if any(o != outs[port] for o in outs):
            errors.append("port %d alone: status pins of the ports differ: %s" % (port, outs))
        if sim.violations:
            errors += sim.violations
    # unplugged + disabled everywhere: all status pins settle to G=0, R=0 after power-on
    sim = bs.Sim(board, 0, 0, root_jumpers(board))
    sim.power_on([0] * nports)
    if any(o != (0, 0) for o in sim.outputs()):
        errors.append("power-on with nothing plugged: status pins %s, expected G=0 R=0" % sim.outputs())
    if errors:
        for e in errors:
            print("ERROR " + e, file=sys.stderr)
        fail("%d connector pin errors" % len(errors))
    print("%d ports: X0..X3 on pins 2..5, S on 6, L on 7 (LED), R0..R3 on 15,13,12,10, G on 11, "
          "GND on 18..25; each pin checked by simulation" % nports)
    print("PASS board_connector_pins")


# ---- schematic = board -------------------------------------------------------------------------------
def schematic_netlist(sch, workdir):
    """KiCad's own netlist of the (hierarchical) schematic: ({ref: value}, [set of (ref, pin)])."""
    os.makedirs(workdir, exist_ok=True)
    out = os.path.join(workdir, os.path.splitext(os.path.basename(sch))[0] + ".net")
    kc.run(["sch", "export", "netlist", "--format", "kicadsexpr", "-o", out, sch])
    with open(out, encoding="utf-8") as f:
        tree = sexpr.parse(f.read())
    comps = {}
    for c in sexpr.children(sexpr.child(tree, "components"), "comp"):
        ref = sexpr.child(c, "ref")[1]
        if ref in comps:
            raise ValueError("%s: reference %s twice in the schematic" % (sch, ref))
        comps[ref] = sexpr.child(c, "value")[1]
    nets = []
    for n in sexpr.children(sexpr.child(tree, "nets"), "net"):
        nets.append((sexpr.child(n, "name")[1],
                     {(sexpr.child(x, "ref")[1], sexpr.child(x, "pin")[1]) for x in sexpr.children(n, "node")}))
    return comps, nets


def cmd_schematic(args):
    """The schematic (as KiCad's netlist exporter reads it) and the board have the same parts with
    the same values, and the same connections: every board net is exactly one schematic net."""
    board = bs.Board(args.board)
    _check_version(args.sch, "kicad_sch", SCH_VERSION)
    comps, nets = schematic_netlist(args.sch, args.out)
    errors = []
    for ref, p in sorted(board.parts.items()):
        if ref not in comps:
            errors.append("%s on the board, not in the schematic" % ref)
        elif comps[ref] != p["value"]:
            errors.append("%s: value %s on the board, %s in the schematic" % (ref, p["value"], comps[ref]))
    for ref in sorted(set(comps) - set(board.parts)):
        errors.append("%s in the schematic, not on the board" % ref)
    sch_net = {}
    for name, nodes in nets:
        for node in nodes:
            sch_net[node] = name
    for bnet, pads in sorted(board.nets().items()):
        names = {sch_net.get(pad) for pad in pads}
        if len(names) != 1 or None in names:
            errors.append("board net %s is split in the schematic: %s" % (
                bnet, sorted("%s.%s=%s" % (r, p, sch_net.get((r, p))) for r, p in pads)[:8]))
            continue
        sname = names.pop()
        extra = [n for n in dict(nets)[sname] if n not in set(pads)] if sname in dict(nets) else []
        if extra:
            errors.append("schematic net %s (board net %s) also joins %s" % (sname, bnet, sorted(extra)[:6]))
    pads_on_board = {(r, pin) for r, p in board.parts.items() for pin in p["pins"]}
    for name, nodes in nets:
        loose = [n for n in nodes if n not in pads_on_board]
        if len(nodes) > 1 and loose:
            errors.append("schematic net %s joins pins that have no net on the board: %s" % (name, sorted(loose)[:6]))
    if errors:
        for e in errors[:25]:
            print("ERROR " + e, file=sys.stderr)
        fail("%d differences between schematic and board" % len(errors))
    print("schematic = board: %d parts, %d board nets, each exactly one schematic net (KiCad netlist of %s)"
          % (len(comps), len(board.nets()), args.sch))
    print("PASS board_schematic_matches")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("drc")
    p.add_argument("--board", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--parity", action="store_true", help="also KiCad's schematic parity check")
    p = sub.add_parser("erc")
    p.add_argument("--sch", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("exports")
    p.add_argument("--board", required=True)
    p.add_argument("--sch", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("vs-rtl")
    p.add_argument("--board", required=True)
    p.add_argument("--rtl", required=True, help="the papers-board-vs-rtl executable")
    p.add_argument("--seed", type=int, default=1994)
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--ops", type=int, default=12,
                   help="operations per enable mask where X cannot be exhaustive (more than 4 ports)")
    p = sub.add_parser("vs-rtl-tree")
    p.add_argument("--board", required=True, help="the module's .kicad_pcb, used for every module")
    p.add_argument("--rtl", required=True, help="the papers-board-vs-rtl executable (run with --tree)")
    p.add_argument("--seed", type=int, default=1995)
    p.add_argument("--timeout", type=int, default=120)
    p = sub.add_parser("pins")
    p.add_argument("--board", required=True)
    p = sub.add_parser("schematic")
    p.add_argument("--board", required=True)
    p.add_argument("--sch", required=True)
    p.add_argument("--out", default="out", help="where KiCad's netlist is written")
    args = ap.parse_args()
    try:
        {"drc": cmd_drc, "erc": cmd_erc, "exports": cmd_exports, "vs-rtl-tree": cmd_vs_rtl_tree, "vs-rtl": cmd_vs_rtl, "pins": cmd_pins, "schematic": cmd_schematic}[args.cmd](args)
    except (bs.BoardError, kc.CliError, ValueError, OSError) as e:
        fail(str(e))


if __name__ == "__main__":
    main()
