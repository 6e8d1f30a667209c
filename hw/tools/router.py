"""router.py -- a small two-layer grid maze router (A*, vias, rip-up by reordering).

Grid: 0.635 mm (25 mil), tracks only along grid lines between neighbouring cells,
so clearances between grid objects are exact: an obstacle is marked on every cell
where the centre line of a probe track (or the centre of a via) would come closer
to it than allowed.  Non-grid shapes (pads) get the half-cell term so that the
middle of a segment between two allowed cells is also far enough.

Layer 0 = F.Cu prefers horizontal runs, layer 1 = B.Cu vertical runs.
Rules (KiCad 6 defaults, used by the DRC): clearance 0.2, hole-to-hole 0.25,
copper to board edge 0.5; signal tracks 0.25, power tracks 0.5, vias 0.8/0.4.
"""
import heapq
import math

PITCH = 0.635
CLEAR = 0.2
HOLE2HOLE = 0.25
EDGE_CLEAR = 0.5
VIA_D, VIA_DRILL = 0.8, 0.4
MARGIN = 0.03
FREE, ALL = -1, -2
VIA_COST, TURN_COST, WRONG_DIR = 10, 1, 3


class Router:
    def __init__(self, width, height, widths):
        self.nx = int(width / PITCH) + 1
        self.ny = int(height / PITCH) + 1
        self.n = self.nx * self.ny
        self.widths = widths                     # probe classes: name -> track width
        # blk[cls][layer][cell]: FREE, a net id (only that net may use it) or ALL
        self.blk = {c: [[FREE] * self.n, [FREE] * self.n] for c in widths}
        self.vblk = [FREE] * self.n              # via centres (both layers)
        self.hole = [False] * self.n             # via centres too close to any hole
        self.owner = [[FREE] * self.n, [FREE] * self.n]   # copper of a net on the cell
        self.tracks = {}                         # net -> set of unit edges ((l,c),(l,c2))
        self.vias = {}                           # net -> set of cells
        self.stubs = {}                          # net -> list of (layer, cell, (x, y))
        self.w, self.h = width, height
        for c in widths:
            hw = widths[c] / 2
            self._mark_edge(self.blk[c][0], hw)
            self._mark_edge(self.blk[c][1], hw)
        self._mark_edge(self.vblk, VIA_D / 2)

    # ---- geometry helpers ---------------------------------------------------------------
    def cell(self, ix, iy):
        return iy * self.nx + ix

    def xy(self, c):
        return (c % self.nx) * PITCH, (c // self.nx) * PITCH

    def _mark_edge(self, arr, hw):
        d = EDGE_CLEAR + hw + MARGIN
        for iy in range(self.ny):
            for ix in range(self.nx):
                x, y = ix * PITCH, iy * PITCH
                if x < d or y < d or self.w - x < d or self.h - y < d:
                    arr[iy * self.nx + ix] = ALL

    def _cells_near(self, x, y, r, dist):
        """Cells whose centre is closer than r to a shape with distance function dist."""
        x0 = max(0, int((x - r) / PITCH) - 1)
        x1 = min(self.nx - 1, int((x + r) / PITCH) + 2)
        y0 = max(0, int((y - r) / PITCH) - 1)
        y1 = min(self.ny - 1, int((y + r) / PITCH) + 2)
        for iy in range(y0, y1 + 1):
            for ix in range(x0, x1 + 1):
                if dist(ix * PITCH, iy * PITCH) < r:
                    yield iy * self.nx + ix

    @staticmethod
    def _claim(arr, c, net):
        v = arr[c]
        if v == FREE:
            arr[c] = net
        elif v != net:
            arr[c] = ALL

    def add_obstacle(self, net, shape, x, y, size, layers, offgrid=True, drill=None):
        """Copper of `net` (None = no net, blocks everybody): a circle (size = diameter)
        or a square (size = side), centred at (x, y)."""
        owner = ALL if net is None else net
        if shape == "circle":
            ext = size / 2
            dist = lambda px, py: math.hypot(px - x, py - y)  # noqa: E731
        else:
            hs = size / 2
            ext = 0.0

            def dist(px, py):
                dx = max(abs(px - x) - hs, 0.0)
                dy = max(abs(py - y) - hs, 0.0)
                return math.hypot(dx, dy)
        for cls, wd in self.widths.items():
            req = ext + CLEAR + wd / 2
            r = math.sqrt(req * req + (PITCH / 2) ** 2) if offgrid else req
            for l in layers:
                for c in self._cells_near(x, y, r + MARGIN, dist):
                    self._claim(self.blk[cls][l], c, owner)
        req = ext + CLEAR + VIA_D / 2 + MARGIN
        for c in self._cells_near(x, y, req, dist):
            self._claim(self.vblk, c, owner)
        if drill:
            req = drill / 2 + HOLE2HOLE + VIA_DRILL / 2 + MARGIN
            for c in self._cells_near(x, y, req, lambda px, py: math.hypot(px - x, py - y)):
                self.hole[c] = True
        # cells inside the pad belong to the net (terminals)
        if net is not None:
            inner = ext - 0.05 if shape == "circle" else None
            for l in layers:
                if shape == "circle":
                    cells = self._cells_near(x, y, inner, dist)
                else:
                    cells = self._cells_near(x, y, 1e-6, dist)
                for c in cells:
                    self.owner[l][c] = net

    def pad_cells(self, shape, x, y, size):
        if shape == "circle":
            return list(self._cells_near(x, y, size / 2 - 0.05, lambda px, py: math.hypot(px - x, py - y)))
        hs = size / 2 - 0.05
        return list(self._cells_near(x, y, 1e-6, lambda px, py: math.hypot(
            max(abs(px - x) - hs, 0.0), max(abs(py - y) - hs, 0.0))))

    def _mark_track_cell(self, net, l, c, width):
        x, y = self.xy(c)
        for cls, wd in self.widths.items():
            req = width / 2 + CLEAR + wd / 2 + MARGIN
            for cc in self._cells_near(x, y, req, lambda px, py: math.hypot(px - x, py - y)):
                self._claim(self.blk[cls][l], cc, net)
        req = width / 2 + CLEAR + VIA_D / 2 + MARGIN
        for cc in self._cells_near(x, y, req, lambda px, py: math.hypot(px - x, py - y)):
            self._claim(self.vblk, cc, net)
        self.owner[l][c] = net

    def _mark_via(self, net, c):
        x, y = self.xy(c)
        for l in (0, 1):
            self._mark_track_cell(net, l, c, VIA_D)
        req = VIA_DRILL + HOLE2HOLE + MARGIN
        for cc in self._cells_near(x, y, req, lambda px, py: math.hypot(px - x, py - y)):
            self.hole[cc] = True

    # ---- search -----------------------------------------------------------------------
    def route(self, net, cls, sources, targets, goal_xy, max_expand=400000):
        """A* from `sources` (set of (layer, cell)) to any node in `targets`.
        Returns the node list or None."""
        blk = self.blk[cls]
        vblk, hole, nx, n = self.vblk, self.hole, self.nx, self.n
        gx, gy = int(round(goal_xy[0] / PITCH)), int(round(goal_xy[1] / PITCH))
        best = {}
        prev = {}
        heap = []
        for (l, c) in sources:
            k = l * n + c
            best[k] = 0
            prev[k] = -1
            cx, cy = c % nx, c // nx
            heapq.heappush(heap, ((abs(cx - gx) + abs(cy - gy)) * 1.2, 0, k, 0))
        tgt = set(l * n + c for (l, c) in targets)
        expanded = 0
        while heap:
            f, g, k, dirn = heapq.heappop(heap)
            if g > best.get(k, 1e18):
                continue
            if k in tgt:
                path = []
                while k != -1:
                    path.append((k // n, k % n))
                    k = prev[k]
                return path[::-1]
            expanded += 1
            if expanded > max_expand:
                return None
            l, c = divmod(k, n)
            cx, cy = c % nx, c // nx
            row = blk[l]
            # neighbours on the same layer: (cell, direction 1 = horizontal, 2 = vertical)
            for dc, d, ok in ((1, 1, cx + 1 < nx), (-1, 1, cx > 0), (nx, 2, cy + 1 < self.ny), (-nx, 2, cy > 0)):
                if not ok:
                    continue
                c2 = c + dc
                v = row[c2]
                if v != FREE and v != net:
                    continue
                step = 1 if (l == 0 and d == 1) or (l == 1 and d == 2) else WRONG_DIR
                if dirn and dirn != d:
                    step += TURN_COST
                g2 = g + step
                k2 = k + dc
                if g2 < best.get(k2, 1e18):
                    best[k2] = g2
                    prev[k2] = k
                    x2, y2 = c2 % nx, c2 // nx
                    heapq.heappush(heap, (g2 + (abs(x2 - gx) + abs(y2 - gy)) * 1.2, g2, k2, d))
            # via
            v = vblk[c]
            if (v == FREE or v == net) and not (hole[c] and not self._is_via(net, c)):
                k2 = (1 - l) * n + c
                ov = blk[1 - l][c]
                if ov == FREE or ov == net:
                    g2 = g + (0 if self._is_via(net, c) else VIA_COST)
                    if g2 < best.get(k2, 1e18):
                        best[k2] = g2
                        prev[k2] = k
                        heapq.heappush(heap, (g2 + (abs(cx - gx) + abs(cy - gy)) * 1.2, g2, k2, 0))
        return None

    def _is_via(self, net, c):
        return c in self.vias.get(net, ())

    def commit(self, net, width, path):
        """Record a found path as copper of `net` and block it for the others."""
        edges = self.tracks.setdefault(net, set())
        vias = self.vias.setdefault(net, set())
        for (l, c) in path:
            self._mark_track_cell(net, l, c, width)
        for a, b in zip(path, path[1:]):
            if a[0] != b[0]:
                if a[1] not in vias:
                    vias.add(a[1])
                    self._mark_via(net, a[1])
            else:
                edges.add((a, b) if a < b else (b, a))
