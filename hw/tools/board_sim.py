"""board_sim.py -- read a hub .kicad_pcb back and simulate its gates (stdlib only).

The board is read from the file, never from the generator: every footprint's
reference, value and pad nets come from the S-expressions.  Each logic part's pads
are mapped to gates through logic_parts.PARTS (by part number); passives are
classified by reference prefix:
  R<n>  resistor (value in ohms, 470 / 1k / 10k)   RN<n> bussed network, pin 1 common
  C<n>  capacitor (220p / 100n / 10u)               D<n>  LED, pin 1 cathode, pin 2 anode
  JP<n> jumper (closed = port n-1 enabled)          J<n>  DB25_Female = port n-1, power in, or link
  JR<n> ROOT jumper of a tree module (closed when the Sim is told so)
A resistor to VCC/GND is a pull (a weak source, used when nothing else drives the
net); any other resistor passes the value of its driven side to its undriven side,
after 0.7*R*C if that side has a capacitor to a supply (RC into a Schmitt trigger),
else after 1 ns.  A capacitor between VCC and GND is decoupling and is ignored; a
capacitor from a node to a supply starts discharged (0) at power-on.

Simulation: three-valued (0, 1, X), event-driven with the datasheet delays of
logic_parts (transport delays, in ns).  After each input change it runs until no
event is left -- the board's steady state.
"""
import heapq
import re

from . import sexpr
from .logic_parts import PARTS

X = 2
SUPPLY = {"VCC": 1, "GND": 0}
DB25_DATA = ["2", "3", "4", "5", "6", "7", "8", "9"]   # D0..D7 (spec section 2)
DB25_R = ["15", "13", "12", "10"]                       # R0..R3 (spec section 3)
DB25_G = "11"
DB25_CONTROL = ["1", "14", "16", "17"]                  # PC outputs the hub must not drive
DB25_GND = [str(p) for p in range(18, 26)]


class BoardError(Exception):
    pass


# ---- reading the board ----------------------------------------------------------------------
class Board:
    """A board's parts (reference -> value, footprint, pin nets), read from a .kicad_pcb.
    Board.tree() joins several boards by their link cables into one netlist."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            tree = sexpr.parse(f.read())
        if tree[0] != "kicad_pcb":
            raise BoardError("%s: not a .kicad_pcb" % path)
        ver = sexpr.child(tree, "version")
        self.version = ver[1] if ver else None
        self.parts = {}
        for fp in sexpr.children(tree, "footprint"):
            ref = val = None
            for t in sexpr.children(fp, "property"):
                if t[1] == "Reference":
                    ref = t[2]
                elif t[1] == "Value":
                    val = t[2]
            pins = {}
            for pad in sexpr.children(fp, "pad"):
                net = sexpr.child(pad, "net")
                if pad[1] and net is not None:
                    pins[pad[1]] = net[2]
            if ref in self.parts:
                raise BoardError("duplicate reference %s" % ref)
            self.parts[ref] = dict(value=val, lib=fp[1], pins=pins)
        self._index()

    @classmethod
    def from_parts(cls, parts):
        """The board as the design describes it (hub_design Parts), before it is laid out."""
        b = cls.__new__(cls)
        b.version = None
        b.parts = {p.ref: dict(value=p.value, lib=p.footprint, pins=dict(p.pins)) for p in parts}
        b._index()
        return b

    def _index(self):
        self.ties = getattr(self, "ties", [])
        num = lambda r: int(re.search(r"\d+", r).group(0))   # noqa: E731
        self.ports = sorted((r for r, p in self.parts.items() if p["value"] == "DB25_Female"), key=num)
        for i, r in enumerate(self.ports):
            if r != "J%d" % (i + 1):
                raise BoardError("port connectors must be J1..J%d, found %s" % (len(self.ports), self.ports))
        # tree link connectors, in reference order: UP (to the parent), DOWN1, DOWN2, ...
        self.links = sorted((r for r, p in self.parts.items() if p["value"] == "Link"), key=num)

    @classmethod
    def tree(cls, boards, cables):
        """One netlist of `boards` (Board objects) joined by ribbon cables: `cables` lists
        (parent board, its DOWN number from 1, child board); a cable joins pin n of the parent's
        DOWN connector to pin n of the child's UP connector.  Board k's ports, jumpers and LEDs
        are renumbered after those of boards 0..k-1 (port 8k+i); its other parts get the suffix
        _k and its nets @k (VCC and GND are common)."""
        t = cls.__new__(cls)
        t.version, t.parts, t.ties = None, {}, []
        offset = 0
        rename = []
        for k, b in enumerate(boards):
            net = lambda n, k=k: n if n in SUPPLY else "%s@%d" % (n, k)   # noqa: E731
            ren = {}
            for ref, p in b.parts.items():
                m = re.fullmatch(r"(J|JP|D)(\d+)", ref)
                if m and (m.group(1) != "J" or ref in b.ports):
                    new = "%s%d" % (m.group(1), offset + int(m.group(2)))
                else:
                    new = "%s_%d" % (ref, k)
                ren[ref] = new
                t.parts[new] = dict(value=p["value"], lib=p["lib"], pins={q: net(n) for q, n in p["pins"].items()})
            rename.append(ren)
            offset += len(b.ports)
        for parent, down, child in cables:
            pb, cb = boards[parent], boards[child]
            if len(pb.links) <= down or not cb.links:
                raise BoardError("board %d has no DOWN%d, or board %d no UP connector" % (parent, down, child))
            pj = t.parts[rename[parent][pb.links[down]]]["pins"]
            cj = t.parts[rename[child][cb.links[0]]]["pins"]
            for pin in sorted(set(pj) | set(cj), key=int):
                if pin not in pj or pin not in cj:
                    raise BoardError("link pin %s is wired on one board only" % pin)
                t.ties.append((pj[pin], cj[pin]))
        t.renamed = rename
        t._index()
        return t

    def nets(self):
        out = {}
        for ref, p in self.parts.items():
            for pin, n in p["pins"].items():
                out.setdefault(n, []).append((ref, pin))
        return out


_UNITS = {"p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "": 1.0}


def parse_value(s):
    m = re.fullmatch(r"([0-9.]+)([pnumkM]?)", s or "")
    if not m:
        raise BoardError("cannot read component value %r" % s)
    return float(m.group(1)) * _UNITS[m.group(2)]


def _prefix(ref):
    return re.match(r"[A-Z]+", ref).group(0)


# ---- the simulator --------------------------------------------------------------------------
K_NAND, K_AND, K_OR, K_NOT, K_BUF, K_MUX, K_DFF, K_DELAY = range(8)
_KIND = {"NAND": K_NAND, "AND": K_AND, "OR": K_OR, "NOT": K_NOT, "BUF": K_BUF}


class Sim:
    """The board with a given set of jumpers closed and PEs plugged in."""

    def __init__(self, board, en_mask, plugged_mask, closed=()):
        """closed: references of closed jumpers other than the port enables (ROOT jumpers)."""
        self.board = board
        self.nports = len(board.ports)
        parts = board.parts
        # union-find: closed jumpers join their two nets
        parent = {}

        def find(n):
            while parent.get(n, n) != n:
                n = parent[n]
            return n
        def join(x, y):
            a, b = find(x), find(y)
            if a != b:
                if b in SUPPLY:
                    a, b = b, a
                parent[b] = a
        for x, y in board.ties:
            join(x, y)
        for ref, p in parts.items():
            if _prefix(ref) == "JP":
                port = int(ref[2:]) - 1
                if en_mask >> port & 1:
                    join(p["pins"]["1"], p["pins"]["2"])
            elif _prefix(ref) == "JR" and ref in closed:
                join(p["pins"]["1"], p["pins"]["2"])
        if find("VCC") == find("GND"):
            raise BoardError("a closed jumper shorts VCC to GND")
        self.find = find
        names = sorted({find(n) for n in board.nets()} | {"VCC", "GND"})
        idx = {n: i for i, n in enumerate(names)}
        self.names, self.idx = names, idx
        N = len(names)
        net = lambda n: idx[find(n)]   # noqa: E731
        strong = [[] for _ in range(N)]      # (description) per net
        pulls = [[] for _ in range(N)]
        series = []                          # (a, b, ohms, ref)
        resistors = []
        caps = [0.0] * N
        self.els = []                        # [kind, ins, outs, delay, state]
        self.leds = {}                       # port -> (anode, cathode)
        self.ext = {}                        # (port, bit) -> net
        self.errors = []
        for n, v in SUPPLY.items():
            strong[idx[n]].append("supply %s" % n)
        for ref in sorted(parts):
            p = parts[ref]
            pins, val, pre = p["pins"], p["value"], _prefix(ref)
            if val in PARTS:
                spec = PARTS[val]
                if find(pins.get(spec["vcc"], "")) != "VCC" or find(pins.get(spec["gnd"], "")) != "GND":
                    self.errors.append("%s (%s): power pins %s/%s not on VCC/GND" % (ref, val, spec["vcc"], spec["gnd"]))
                for el in spec["elements"]:
                    self._add_element(ref, spec, el, pins, net, strong)
            elif pre in ("R", "RN"):
                ohms = parse_value(val)
                if pre == "RN":
                    com = pins.get("1")
                    pairs = [(com, pins[q]) for q in sorted(pins, key=int) if q != "1"]
                else:
                    pairs = [(pins.get("1"), pins.get("2"))]
                for a, b in pairs:
                    if a is None or b is None:
                        continue
                    a, b = find(a), find(b)
                    if a in SUPPLY and b in SUPPLY:
                        continue
                    resistors.append((a, b, ohms, ref))
            elif pre == "C":
                a, b = find(pins.get("1", "")), find(pins.get("2", ""))
                if a in SUPPLY and b in SUPPLY:
                    continue
                if a in SUPPLY or b in SUPPLY:
                    caps[idx[b if a in SUPPLY else a]] += parse_value(val)
                else:
                    self.errors.append("%s: capacitor between two signal nets is not modelled" % ref)
            elif pre == "D" and val == "LED":
                self.leds[int(ref[1:]) - 1] = (net(pins["2"]), net(pins["1"]))
            elif pre in ("JP", "JR"):
                pass
            elif pre == "J":
                if val == "DB25_Female":
                    port = int(ref[1:]) - 1
                    if plugged_mask >> port & 1:
                        for bit, pin in enumerate(DB25_DATA):
                            if pin in pins:
                                n = net(pins[pin])
                                strong[n].append("PE %d D%d" % (port, bit))
                                self.ext[(port, bit)] = n
            else:
                raise BoardError("%s (%s): no simulation model for this part" % (ref, val))
        # A resistor from a supply is a pull, unless its other side has a capacitor: then
        # it is an RC (the power-on reset) and the supply is its driven side.
        for a, b, ohms, ref in resistors:
            if a in SUPPLY and not caps[idx[b]]:
                pulls[idx[b]].append(SUPPLY[a])
            elif b in SUPPLY and not caps[idx[a]]:
                pulls[idx[a]].append(SUPPLY[b])
            else:
                series.append((idx[a], idx[b], ohms, ref))
        # resolve sources: strong > pull > series resistor (iterated along resistor chains)
        src = [None] * N
        for i in range(N):
            if len(strong[i]) > 1:
                self.errors.append("net %s has %d drivers: %s" % (names[i], len(strong[i]), strong[i]))
            if strong[i]:
                src[i] = "strong"
            elif pulls[i]:
                if len(set(pulls[i])) > 1:
                    self.errors.append("net %s pulled both ways" % names[i])
                src[i] = "pull"
        self.const = {}
        for i in range(N):
            if names[i] in SUPPLY:
                self.const[i] = SUPPLY[names[i]]
            elif src[i] == "pull" and not strong[i]:
                self.const[i] = pulls[i][0]
        pending = list(series)
        while pending:
            left = []
            for (a, b, ohms, ref) in pending:
                if src[a] and not src[b]:
                    s, r = a, b
                elif src[b] and not src[a]:
                    s, r = b, a
                elif src[a] and src[b]:
                    continue     # both sides driven: the resistor carries no logic value
                else:
                    left.append((a, b, ohms, ref))
                    continue
                delay = 0.7 * ohms * caps[r] * 1e9 if caps[r] else 1.0
                self.els.append([K_DELAY, [s], [r], max(1, int(round(delay))), None])
                src[r] = "rc"
            if len(left) == len(pending):
                for (a, b, ohms, ref) in left:
                    self.errors.append("%s connects two undriven nets %s, %s" % (ref, names[a], names[b]))
                break
            pending = left
        self.caps = caps
        self.src = src
        # fan-out and floating-input check
        self.fanout = [[] for _ in range(N)]
        for ei, e in enumerate(self.els):
            for i in e[1]:
                if src[i] is None:
                    self.errors.append("input net %s floats" % names[i])
                self.fanout[i].append(ei)
        # outputs at the connectors
        self.port_out = []
        for port, ref in enumerate(board.ports):
            pins = parts[ref]["pins"]
            try:
                self.port_out.append(([net(pins[p]) for p in DB25_R], net(pins[DB25_G])))
            except KeyError as e:
                raise BoardError("%s: status pin %s has no net" % (ref, e))
        if self.errors:
            raise BoardError("; ".join(self.errors))
        self.val = [X] * N
        self.sched = [X] * N
        self.tchg = [-10 ** 12] * N
        self.heap = []
        self.seq = 0
        self.t = 0
        self.violations = []
        self.watch = {}
        # X must settle >= 100 ns before its strobe is seen (spec section 4): a register may
        # only capture data that has been stable that long.
        self.settle_ns = 100

    def _add_element(self, ref, spec, el, pins, net, strong):
        kind = el["kind"]
        d = spec["tpd"]

        def pn(p):
            return net(pins[p]) if p in pins else None
        if kind in _KIND:
            outs = [pn(p) for p in el["outputs"]]
            if outs[0] is None:
                return                       # spare gate, output unused
            ins = [pn(p) for p in el["inputs"]]
            if kind == "BUF":
                ins.append(pn(el["oe_n"]))
            if None in ins:
                self.errors.append("%s: gate input pin not connected" % ref)
                return
            strong[outs[0]].append("%s pin %s" % (ref, el["outputs"][0]))
            self.els.append([_KIND[kind], ins, outs, d, None])
        elif kind == "MUX2":
            ins = [pn(el["select"]), pn(el["enable_n"])] + [pn(p) for b in el["bits"] for p in b[:2]]
            outs = [pn(b[2]) for b in el["bits"]]
            if None in ins:
                self.errors.append("%s: multiplexer input not connected" % ref)
                return
            for b, o in zip(el["bits"], outs):
                if o is not None:
                    strong[o].append("%s pin %s" % (ref, b[2]))
            self.els.append([K_MUX, ins, outs, d, None])
        elif kind == "DFF":
            ins = [pn(el["clock"]), pn(el["clear_n"])] + [pn(b[0]) for b in el["bits"]]
            outs = []
            for b in el["bits"]:
                outs += [pn(b[1]), pn(b[2])]
            if None in ins:
                self.errors.append("%s: flip-flop input not connected" % ref)
                return
            for b, (q, qn) in zip(el["bits"], zip(outs[0::2], outs[1::2])):
                if q is not None:
                    strong[q].append("%s pin %s" % (ref, b[1]))
                if qn is not None:
                    strong[qn].append("%s pin %s" % (ref, b[2]))
            # state: [last clock, Q bits, setup time, ref]
            self.els.append([K_DFF, ins, outs, d, [X, [X] * len(el["bits"]), spec.get("setup", 0), ref]])

    # ---- evaluation ----------------------------------------------------------------------
    def _eval(self, ei, t):
        e = self.els[ei]
        k, ins, outs, d, st = e
        v = self.val
        if k == K_NAND or k == K_AND:
            r = 1
            for i in ins:
                x = v[i]
                if x == 0:
                    r = 0
                    break
                if x == X:
                    r = X
            if k == K_NAND and r != X:
                r ^= 1
            res = (r,)
        elif k == K_OR:
            r = 0
            for i in ins:
                x = v[i]
                if x == 1:
                    r = 1
                    break
                if x == X:
                    r = X
            res = (r,)
        elif k == K_NOT:
            x = v[ins[0]]
            res = (X if x == X else x ^ 1,)
        elif k == K_DELAY:
            res = (v[ins[0]],)
        elif k == K_BUF:
            res = (v[ins[0]] if v[ins[1]] == 0 else X,)
        elif k == K_MUX:
            s, en = v[ins[0]], v[ins[1]]
            res = []
            for b in range(len(outs)):
                i0, i1 = v[ins[2 + 2 * b]], v[ins[3 + 2 * b]]
                if en == 1:
                    res.append(0)
                elif en == X:
                    res.append(X)
                elif s == 0:
                    res.append(i0)
                elif s == 1:
                    res.append(i1)
                else:
                    res.append(i0 if i0 == i1 else X)
        else:   # K_DFF
            clk, clr = v[ins[0]], v[ins[1]]
            last, q, setup, ref = st
            if clr == 0:
                q[:] = [0] * len(q)
            elif clr == X:
                q[:] = [0 if x == 0 else X for x in q]
            elif last == 0 and clk == 1:
                for b in range(len(q)):
                    dn = ins[2 + b]
                    q[b] = v[dn]
                    if t - self.tchg[dn] < max(setup, self.settle_ns):
                        self.violations.append(
                            "t=%d ns: %s D%d changed %d ns before the clock edge (needs %d ns: setup, "
                            "and the spec's >= 100 ns settling of X before S)" % (
                                t, ref, b, t - self.tchg[dn], max(setup, self.settle_ns)))
            elif last != clk and (last == X or clk == X):
                q[:] = [q[b] if q[b] == v[ins[2 + b]] else X for b in range(len(q))]
            st[0] = clk
            res = []
            for b in range(len(q)):
                res += [q[b], X if q[b] == X else q[b] ^ 1]
        sched = self.sched
        for o, r in zip(outs, res):
            if o is not None and sched[o] != r:
                sched[o] = r
                self.seq += 1
                heapq.heappush(self.heap, (t + d, self.seq, o, r))

    def _set(self, n, value, t):
        self.sched[n] = value
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, n, value))

    def run(self, max_events=500000):
        heap, val, fanout, watch = self.heap, self.val, self.fanout, self.watch
        count = 0
        while heap:
            t, _, n, x = heapq.heappop(heap)
            if val[n] == x:
                continue
            val[n] = x
            self.tchg[n] = t
            self.t = t
            if n in watch:
                watch[n].append((t, x))
            for ei in fanout[n]:
                self._eval(ei, t)
            count += 1
            if count > max_events:
                raise BoardError("the board does not settle (oscillation?) after %d events" % count)
        return count

    def power_on(self, data):
        """Apply power with the PEs' DATA bytes `data` (list per port) and settle."""
        self.t = 0
        for i, c in self.const.items():
            self.val[i] = self.sched[i] = c
        for i, c in enumerate(self.caps):
            if c and i not in self.const and self.src[i] == "rc":
                self.val[i] = self.sched[i] = 0       # discharged capacitor
        for (port, bit), n in self.ext.items():
            self.val[n] = self.sched[n] = data[port] >> bit & 1
        for ei in range(len(self.els)):
            self._eval(ei, 0)
        self.run()

    def step(self, changes, gap=1000):
        """changes: {port: data byte}.  Inputs change together at one instant."""
        t = self.t + gap
        self._watch_start()
        for port, byte in changes.items():
            for bit in range(8):
                n = self.ext.get((port, bit))
                if n is not None and self.val[n] != (byte >> bit & 1):
                    self._set(n, byte >> bit & 1, t)
        self.run()
        self._watch_check(t)

    def _watch_start(self):
        self.watch = {}
        for rs, g in self.port_out:
            for n in rs + [g]:
                self.watch[n] = []

    def _watch_check(self, t0):
        """A PE reads G and R in one inb: R must not move once G has moved, and G must not glitch."""
        for port, (rs, g) in enumerate(self.port_out):
            gch = self.watch.get(g, [])
            if len(gch) > 1:
                self.violations.append("port %d: G pin glitched %d times in one step (t=%d)" % (port, len(gch), t0))
            if gch:
                tg = gch[0][0]
                for b, n in enumerate(rs):
                    late = [tt for tt, _ in self.watch.get(n, []) if tt >= tg]
                    if late:
                        self.violations.append("port %d: R%d changed %d ns after G (step at t=%d)" % (
                            port, b, late[0] - tg, t0))

    def outputs(self):
        """Per port (G, R) read at its connector, in pin levels; X where undetermined."""
        out = []
        for rs, g in self.port_out:
            r = 0
            for b, n in enumerate(rs):
                if self.val[n] == X:
                    r = None
                    break
                r |= self.val[n] << b
            out.append((self.val[g], r))
        return out

    def led(self, port):
        a, k = self.leds[port]
        return self.val[a] == 1 and self.val[k] == 0
