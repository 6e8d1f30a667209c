"""sch_sheet.py -- one KiCad 9 schematic sheet, drawn in columns with wires between them.

A sheet is a list of columns of symbols (signal flow left to right).  connect() decides for
every net how a drawing shows it:
  * power nets (VCC, GND) get power symbols at their pins;
  * interface nets of the sheet get hierarchical labels;
  * a net from one symbol's right-side pin to left-side pins in the next column is drawn as
    wires: straight if the pins line up, else through a vertical channel between the columns
    (each net its own channel x, ordered so that no wire touches another net's wire end);
  * any other net (feedback, fan-out across columns) gets a local label at each pin.
Pins without a net get a no-connect flag.  Symbols are aligned to their drivers, so most wires
are straight.  Coordinates: sheet mm, y down; every pin tip on the 2.54 mm grid.
"""
import uuid

from . import sch_symbols as ss
from .sexpr import Sym

G = ss.G
POWER_NETS = ("VCC", "GND")
NS = uuid.UUID("6f1a7c52-4a0e-4d0b-9a8e-3f1d2c5b7a90")


def uid(*names):
    return str(uuid.uuid5(NS, "/".join(str(n) for n in names)))


def _snap(v):
    return round(v / G) * G


def text_w(s):
    return len(s) * 1.1 + 1.5


class Placed:
    """A symbol unit on the sheet: `insts` = [(instance path, reference, unit)], `nets` =
    pin number (of the sheet file's unit) -> local net name or None."""

    def __init__(self, key, sd, unit, insts, nets, fields):
        self.key, self.sd, self.unit, self.insts, self.nets, self.fields = key, sd, unit, insts, nets, fields
        self.x = self.y = 0.0
        self.col = 0
        self.ref_at = self.value_at = None     # overrides of the symbol's field positions

    def pins(self):
        return self.sd.pins(self.unit)

    def tip(self, num):
        p = self.pins()[num]
        return (self.x + p.x, self.y - p.y)

    def extent(self):
        """(left, top, right, bottom) relative to the origin, sheet orientation, text included."""
        pins = list(self.pins().values())
        xs = [p.x for p in pins] + [0]
        ys = [p.y for p in pins] + [0]
        for g in self.sd.units[self.unit - 1][1]:
            if g[0] == "rect":
                xs += [g[1], g[3]]
                ys += [g[2], g[4]]
        return min(xs), -(max(ys) + 2.54), max(xs), -(min(ys) - 2.54)


class Sheet:
    def __init__(self, name, title, project):
        self.name, self.title, self.project = name, title, project
        self.columns = []
        self.hier = {}           # local net -> "input" / "output"
        self.items = []
        self.power_count = 0
        self.paths = []          # instance paths of this sheet (set by the design)

    def column(self, placed_list):
        self.columns.append(placed_list)

    # ---- layout ------------------------------------------------------------------------------
    def _endpoints(self):
        eps = {}
        for c, col in enumerate(self.columns):
            for pl in col:
                pl.col = c
                for num, net in pl.nets.items():
                    if net:
                        eps.setdefault(net, []).append((pl, num))
        return eps

    def _wireable(self, eps):
        """net -> (driver, receivers) for nets drawn as wires."""
        out = {}
        for net, lst in eps.items():
            if net in POWER_NETS or net in self.hier:
                continue
            right = [(pl, n) for pl, n in lst if pl.pins()[n].side == "R"]
            if len(right) != 1:
                continue
            drv = right[0]
            recv = [(pl, n) for pl, n in lst if (pl, n) != drv]
            if recv and all(pl.col == drv[0].col + 1 and pl.pins()[n].side == "L" for pl, n in recv):
                out[net] = (drv, recv)
        return out

    def layout(self, x0=25.4, y0=30.48, gap=5.08):
        eps = self._endpoints()
        wires = self._wireable(eps)
        drv_of = {}
        for net, (drv, recv) in wires.items():
            for r in recv:
                drv_of[(id(r[0]), r[1])] = drv
        # vertical: each symbol as close as possible to the y of its first wired driver
        for col in self.columns:
            cursor = y0
            for pl in col:
                left, top, right, bottom = pl.extent()
                want = None
                for num, p in sorted(pl.pins().items(), key=lambda kv: -kv[1].y):
                    d = drv_of.get((id(pl), num))
                    if d is not None:
                        want = d[0].tip(d[1])[1] + p.y
                        break
                y = _snap(max(cursor - top, want if want is not None else cursor - top))
                if y + top < cursor:
                    y += _snap(cursor - (y + top) + G / 2)
                pl.y = y
                cursor = y + bottom + gap
        # horizontal: columns left to right, room for labels and for the channels between them
        label_w = {}
        for net, lst in eps.items():
            if net in wires or net in POWER_NETS:
                continue
            for pl, n in lst:
                label_w[(pl.col, pl.pins()[n].side)] = max(label_w.get((pl.col, pl.pins()[n].side), 0),
                                                          text_w(net) + (4 if net in self.hier else 0))
        x = x0
        self._chan = {}
        for c, col in enumerate(self.columns):
            lefts = [pl.extent()[0] for pl in col]
            x_left = x + label_w.get((c, "L"), 0)
            x_left = _snap(x_left + G / 2)
            for pl, lf in zip(col, lefts):
                pl.x = x_left - lf
            x_right = max(pl.x + pl.extent()[2] for pl in col)
            nets = [n for n, (d, _) in wires.items() if d[0].col == c]
            order = self._channel_order(nets, wires)
            start = _snap(x_right + label_w.get((c, "R"), 0) + G)
            for i, n in enumerate(order):
                self._chan[n] = start + i * G
            x = start + (len(order) + 1) * G
        self.wires = wires
        self.eps = eps

    def _channel_order(self, nets, wires):
        """Channel x order: a net whose driver sits at the y of another net's receiver must turn
        before that net's channel (x smaller), so that their horizontal runs do not meet."""
        straight = {n for n in nets if len(wires[n][1]) == 1 and
                    abs(wires[n][0][0].tip(wires[n][0][1])[1] - wires[n][1][0][0].tip(wires[n][1][0][1])[1]) < 1e-6}
        bent = [n for n in nets if n not in straight]
        after = {n: set() for n in bent}      # n must be left of every net in after[n]
        for a in bent:
            ya = round(wires[a][0][0].tip(wires[a][0][1])[1], 3)
            for b in bent:
                if a != b and any(round(pl.tip(num)[1], 3) == ya for pl, num in wires[b][1]):
                    after[a].add(b)
        order, placed = [], set()
        while len(order) < len(bent):
            ready = sorted(n for n in bent if n not in placed and not any(
                n in after[m] for m in bent if m not in placed and m != n))
            if not ready:      # a cycle: draw one of them with labels instead
                victim = sorted(n for n in bent if n not in placed)[0]
                del wires[victim]
                bent.remove(victim)
                after.pop(victim)
                for s in after.values():
                    s.discard(victim)
                continue
            order.append(ready[0])
            placed.add(ready[0])
        for n in straight:
            self._chan[n] = None
        return order

    # ---- drawing -------------------------------------------------------------------------------------
    def _wire(self, a, b, key):
        if abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6:
            return
        self.items.append(["wire", ["pts", ["xy", float(a[0]), float(a[1])], ["xy", float(b[0]), float(b[1])]],
                           ["stroke", ["width", 0], ["type", Sym("default")]], ["uuid", uid(self.name, "w", *key)]])

    def _junction(self, p, key):
        self.items.append(["junction", ["at", float(p[0]), float(p[1])], ["diameter", 0],
                           ["color", 0, 0, 0, 0], ["uuid", uid(self.name, "j", *key)]])

    def _label(self, net, p, side, key):
        ang = 180 if side == "L" else 0
        just = "right" if side == "L" else "left"
        if net in self.hier:
            self.items.append(["hierarchical_label", net, ["shape", Sym(self.hier[net])],
                               ["at", float(p[0]), float(p[1]), ang], ss._eff(justify=(just,)),
                               ["uuid", uid(self.name, "h", *key)]])
        else:
            self.items.append(["label", net, ["at", float(p[0]), float(p[1]), ang],
                               ss._eff(justify=(just, "bottom")), ["uuid", uid(self.name, "l", *key)]])

    def _power_pins(self, net, lst):
        """A power symbol per run of neighbouring pins on one side of a symbol (joined by a wire):
        eight GND pins of a DB-25 get one GND symbol, not eight."""
        runs = {}
        for pl, n in lst:
            runs.setdefault((id(pl), pl.pins()[n].side), []).append((pl, n))
        for (_, side), pins in sorted(runs.items(), key=lambda kv: (kv[1][0][0].key, kv[0][1])):
            pins.sort(key=lambda pn: pn[0].tip(pn[1])[1])
            chain = [pins[0]]
            for pn in pins[1:] + [None]:
                if pn is not None and side in "LR" and abs(pn[0].tip(pn[1])[1] - chain[-1][0].tip(chain[-1][1])[1] - G) < 1e-6:
                    self._wire(chain[-1][0].tip(chain[-1][1]), pn[0].tip(pn[1]), ("pwr", pn[0].key, pn[1]))
                    chain.append(pn)
                    continue
                end = chain[-1] if net == "GND" else chain[0]
                self.power_symbol(net, end[0].tip(end[1]), (end[0].key, end[1]))
                chain = [pn]

    def power_symbol(self, net, p, key, flag=False):
        sd = ss.pwr_flag() if flag else ss.power_symbol(net)
        insts = []
        for path in self.paths:
            self.power_count += 1
            insts.append((path, "%s%s%03d" % (sd.ref, self.name[:3].upper(), self.power_count), 1))
        pl = Placed(("pwr",) + key, sd, 1, insts, {}, {})
        pl.x, pl.y = p
        self.symbols_extra.append(pl)

    def draw(self):
        self.symbols_extra = []
        for net, (drv, recv) in sorted(self.wires.items()):
            a = drv[0].tip(drv[1])
            xc = self._chan.get(net)
            if xc is None:
                self._wire(a, recv[0][0].tip(recv[0][1]), (net,))
                continue
            ys = [a[1]] + [pl.tip(n)[1] for pl, n in recv]
            self._wire(a, (xc, a[1]), (net, "d"))
            lo, hi = min(ys), max(ys)
            pts = sorted(set(round(y, 4) for y in ys))
            for i in range(len(pts) - 1):
                self._wire((xc, pts[i]), (xc, pts[i + 1]), (net, "v", i))
            for k, (pl, n) in enumerate(recv):
                t = pl.tip(n)
                self._wire((xc, t[1]), t, (net, "r", k))
            for k, y in enumerate(pts):
                branches = (y > lo) + (y < hi) + sum(1 for yy in ys if abs(yy - y) < 1e-6)
                if branches >= 3:
                    self._junction((xc, y), (net, k))
        for net, lst in sorted(self.eps.items()):
            if net in self.wires:
                continue
            if net in POWER_NETS:
                self._power_pins(net, lst)
                continue
            for pl, n in lst:
                self._label(net, pl.tip(n), pl.pins()[n].side, (pl.key, n))
        for col in self.columns:
            for pl in col:
                for num, p in pl.pins().items():
                    if pl.nets.get(num) is None and p.etype != "no_connect":
                        t = pl.tip(num)
                        self.items.append(["no_connect", ["at", float(t[0]), float(t[1])],
                                           ["uuid", uid(self.name, "nc", pl.key, num)]])

    # ---- output --------------------------------------------------------------------------------------
    def symbols(self):
        return [pl for col in self.columns for pl in col] + self.symbols_extra

    def extent(self):
        pts = [(pl.x + e[0], pl.y + e[1]) for pl in self.symbols() for e in [pl.extent()]]
        pts += [(pl.x + e[2], pl.y + e[3]) for pl in self.symbols() for e in [pl.extent()]]
        return max(p[0] for p in pts) + 20, max(p[1] for p in pts) + 20


PAPERS = [("A4", 297, 210), ("A3", 420, 297), ("A2", 594, 420), ("A1", 841, 594), ("A0", 1189, 841)]


def paper_for(w, h):
    for name, pw, ph in PAPERS:
        if w <= pw and h <= ph - 30:     # the title block takes the bottom 30 mm
            return name
    raise SystemExit("sheet too large for A0: %.0f x %.0f mm" % (w, h))


def symbol_node(pl, project):
    sd = pl.sd
    ref0 = pl.insts[0][1]
    rx, ry = pl.ref_at or sd.ref_at
    vx, vy = pl.value_at or sd.value_at
    node = ["symbol", ["lib_id", "papers:" + sd.name], ["at", float(pl.x), float(pl.y), 0], ["unit", pl.unit],
            ["exclude_from_sim", False], ["in_bom", not sd.power], ["on_board", not sd.power], ["dnp", False],
            ["uuid", uid("sym", pl.key, pl.insts[0][0])],
            ["property", "Reference", ref0, ["at", float(pl.x + rx), float(pl.y - ry), 0], ss._eff(hide=sd.power)],
            ["property", "Value", pl.fields.get("Value", sd.name), ["at", float(pl.x + vx), float(pl.y - vy), 0],
             ss._eff()]]
    for name in ("Footprint", "Datasheet", "Description", "MPN", "Manufacturer"):
        if name in pl.fields or name in ("Footprint", "Datasheet", "Description"):
            node.append(["property", name, pl.fields.get(name, ""), ["at", float(pl.x), float(pl.y), 0],
                         ss._eff(hide=True)])
    for num in sorted(pl.pins(), key=lambda s: (len(s), s)):
        node.append(["pin", num, ["uuid", uid("pin", pl.key, pl.insts[0][0], num)]])
    node.append(["instances", ["project", project] + [
        ["path", path, ["reference", ref], ["unit", unit]] for path, ref, unit in pl.insts]])
    return node


def sheet_file_node(sheet, file_uuid, lib_nodes, paper, extra=(), sheet_instances=None, page_comment=""):
    node = ["kicad_sch", ["version", 20250114], ["generator", "eeschema"], ["generator_version", "9.0"],
            ["uuid", file_uuid], ["paper", paper],
            ["title_block", ["title", sheet.title], ["rev", "2"], ["company", "papers project"],
             ["comment", 1, "Generated by hw/tools/gen_hub_board.py from hw/tools/hub_design.py - do not edit"]]
            + ([["comment", 2, page_comment]] if page_comment else []),
            ["lib_symbols"] + lib_nodes]
    node += sheet.items + list(extra)
    node += [symbol_node(pl, sheet.project) for pl in sheet.symbols()]
    if sheet_instances:
        node.append(sheet_instances)
    node.append(["embedded_fonts", False])
    return node
