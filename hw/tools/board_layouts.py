"""board_layouts.py -- the boards the generator makes: which design, board size, where every
part goes, the silkscreen texts.  Footprints are never rotated.

  papers-hub   the 4-port hub (hub_design.build(4)): 232 x 150 mm
  papers-hub8  the 8-port tree module (hub_design.build(8, link=True)): the DB-25s in one row
               along the bottom edge, the logic in rows above them, the link headers (UP,
               DOWN1, DOWN2) and the ROOT jumper along the top edge: 450 x 170 mm
"""
from . import hub_design


class Layout:
    def __init__(self, stem, title, nports, link, width, height, conn_x, core_x0, core_y, port_dy):
        self.stem, self.title, self.nports, self.link = stem, title, nports, link
        self.width, self.height = width, height
        self.conn_x = conn_x            # pin 1 x of each port's DB-25
        self.core_x0, self.core_y = core_x0, core_y
        self.port_dy = port_dy          # the port rows' offset from the 4-port board's

    def route_first(self, parts):
        """Nets to route before the others (after power): the link headers' pins are the
        densest spot of the module, so their nets go first."""
        return sorted({n for p in parts if p.value == "Link" for n in p.pins.values() if n not in ("VCC", "GND")})

    def build(self):
        return hub_design.build(self.nports, link=self.link)

    def texts(self):
        out = [("PAPERS hub v2  %d ports  hub protocol 1%s" % (self.nports, "  tree module" if self.link else ""),
                (self.width - 72.0, self.core_y + 36.0))]
        if not self.link:
            out = [("PAPERS hub v1  4 ports  hub protocol 1", (160.0, 52.0))]
        for p in range(self.nports):
            out.append(("PORT %d" % p, (self.conn_x[p] - 16.62, 134.0 + self.port_dy)))
        return out

    def place(self, parts):
        """Board position (x, y) of every footprint origin."""
        pos = {}
        dy = self.port_dy
        core = [p for p in parts if p.group[0] == "core" and len(p.group) == 2]
        for i, p in enumerate(core):
            pos[p.ref] = (self.core_x0 + 21.0 * (p.group[1] if not self.link else i), self.core_y)
        for p in parts:
            g = p.group
            if g[0] == "port":
                port, what = g[1], g[2]
                cx = self.conn_x[port] - 16.62
                pos[p.ref] = {
                    "conn": (self.conn_x[port], self.height - 9.9),   # pins 9.9 mm from the edge
                    "rn": (cx - 7.5, 128.0 + dy),
                    "jp": (cx + 16.0, 120.0 + dy),
                    "u244": (cx - 22.0, 62.0 + dy),
                    "u14": (cx - 4.0, 62.0 + dy),
                    "u00": (cx - 4.0, 62.0 + dy),
                    "u32": (cx + 13.0, 62.0 + dy),
                    "rs": (cx - 4.0, 112.0 + dy),
                    "cs": (cx + 9.0, 112.0 + dy),
                    "rled": (cx - 24.0, 104.0 + dy),
                    "led": (cx - 24.0, 120.0 + dy),
                }[what]
            elif g[0] == "core" and len(g) > 2:
                x = self._rc_x(parts, pos)
                y = self.core_y + 24.0
                pos[p.ref] = {"rg": (x - 7.0, y), "cg": (x + 6.0, y),
                              "rpor": (x - 7.0, y + 8.0), "cpor": (x + 7.0, y + 8.0)}[g[2]]
            elif g[0] == "power":
                pos[p.ref] = (6.0, 10.0) if p.ref.startswith("J") else (8.0, 22.0)
            elif g[0] == "link":
                pos[p.ref] = self._link_pos(g[1])
        for p in parts:
            if p.group[0] == "decap":
                cx, cy = pos[p.group[1]]
                pos[p.ref] = (cx + 1.31, cy - 3.6)
        return pos

    def _rc_x(self, parts, pos):
        """The G delay and power-on RCs sit under the 74HC14 whose inverters they feed."""
        for p in parts:
            if p.value == "74HC14" and "GRC" in p.pins.values():
                return pos[p.ref][0]
        raise SystemExit("no 74HC14 with the G delay inverter")

    def _link_pos(self, what):
        x_up, x_dn = 60.0, self.width - 110.0
        return {"UP": (x_up, 14.0), "rn": (x_up + 30.0, 25.0), "jr": (x_up - 22.0, 14.0),
                "DOWN1": (x_dn, 14.0), "rnc1": (x_dn + 30.0, 13.0),
                "DOWN2": (x_dn + 60.0, 14.0), "rnc2": (x_dn + 30.0, 24.0)}[what]


LAYOUTS = {
    "papers-hub": Layout("papers-hub", "PAPERS hub, 4 ports, hub protocol 1", 4, False, 232.0, 150.0,
                         [47.0, 104.0, 161.0, 218.0], 30.0, 16.0, 0.0),
    "papers-hub8": Layout("papers-hub8", "PAPERS hub tree module, 8 ports, hub protocol 1", 8, True, 450.0, 170.0,
                          [47.0 + 55.0 * p for p in range(8)], 30.0, 36.0, 20.0),
}
