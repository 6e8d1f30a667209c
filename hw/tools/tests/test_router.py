"""The two-layer maze router (tools/router.py) on small boards, checked
against what a route must be: connected cell by cell, from a source to a
target, never through another net's copper, a via wherever the layer
changes, and as short as the free grid allows."""
import unittest

from tools import router as rt

WIDTHS = {"signal": 0.25}


def board(mm=20.0):
    return rt.Router(mm, mm, WIDTHS)


def steps_are_connected(r, path):
    """Every step moves one cell on a layer, or changes layer on the same cell."""
    for (l1, c1), (l2, c2) in zip(path, path[1:]):
        if l1 != l2:
            if c1 != c2:
                return False
            continue
        dx = abs(c1 % r.nx - c2 % r.nx)
        dy = abs(c1 // r.nx - c2 // r.nx)
        if dx + dy != 1:
            return False
    return True


class RouteTest(unittest.TestCase):
    def test_straight_route_on_a_free_board_is_the_shortest(self):
        r = board()
        a, b = r.cell(5, 10), r.cell(20, 10)
        path = r.route(1, "signal", {(0, a)}, {(0, b)}, r.xy(b))
        self.assertIsNotNone(path)
        self.assertEqual(path[0], (0, a))
        self.assertEqual(path[-1], (0, b))
        self.assertTrue(steps_are_connected(r, path))
        self.assertEqual(len(path), 16)  # Manhattan distance 15 + 1 cells, no detour
        self.assertTrue(all(layer == 0 for layer, _ in path))  # horizontal: layer 0 wins

    def test_vertical_runs_prefer_the_back_layer(self):
        r = board()
        a, b = r.cell(10, 4), r.cell(10, 24)
        path = r.route(1, "signal", {(0, a), (1, a)}, {(0, b), (1, b)}, r.xy(b))
        self.assertIsNotNone(path)
        self.assertTrue(steps_are_connected(r, path))
        self.assertTrue(all(layer == 1 for layer, _ in path))

    def test_route_goes_around_another_nets_copper(self):
        r = board()
        a, b = r.cell(4, 12), r.cell(24, 12)
        wall_x = 14 * rt.PITCH
        for iy in range(3, 28):  # a wall of net-2 pads on both layers across the way
            r.add_obstacle(2, "circle", wall_x, iy * rt.PITCH, 0.6, (0, 1))
        path = r.route(1, "signal", {(0, a)}, {(0, b)}, r.xy(b))
        self.assertIsNotNone(path)
        self.assertTrue(steps_are_connected(r, path))
        for layer, c in path:
            self.assertNotIn(r.blk["signal"][layer][c], (2, rt.ALL), "through net 2's copper")
        self.assertGreater(len(path), 21)  # longer than the straight 20 + 1

    def test_committed_copper_blocks_the_next_net(self):
        r = board()
        a, b = r.cell(4, 12), r.cell(26, 12)
        first = r.route(1, "signal", {(0, a)}, {(0, b)}, r.xy(b))
        r.commit(1, WIDTHS["signal"], first)
        c, d = r.cell(15, 4), r.cell(15, 22)  # net 2 must cross net 1's track
        second = r.route(2, "signal", {(0, c), (1, c)}, {(0, d), (1, d)}, r.xy(d))
        self.assertIsNotNone(second)
        self.assertTrue(steps_are_connected(r, second))
        mine = set(first)
        for node in second:
            self.assertNotIn(node, mine, "net 2 runs on net 1's cell and layer")
        # It crosses on the other layer: every layer change is a via it records.
        r.commit(2, WIDTHS["signal"], second)
        changes = {a[1] for a, b in zip(second, second[1:]) if a[0] != b[0]}
        self.assertEqual(r.vias.get(2, set()), changes)

    def test_no_route_when_the_target_is_walled_in(self):
        r = board()
        a, b = r.cell(6, 15), r.cell(22, 15)
        bx, by = r.xy(b)
        for dx, dy in [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]:
            r.add_obstacle(None, "square", bx + 2 * dx * rt.PITCH, by + 2 * dy * rt.PITCH,
                           1.5, (0, 1))
        self.assertIsNone(r.route(1, "signal", {(0, a)}, {(0, b), (1, b)}, (bx, by)))

    def test_board_edge_is_out_of_bounds(self):
        r = board()
        self.assertEqual(r.blk["signal"][0][r.cell(0, 0)], rt.ALL)
        self.assertEqual(r.blk["signal"][1][r.cell(r.nx - 1, r.ny - 1)], rt.ALL)
        self.assertEqual(r.blk["signal"][0][r.cell(r.nx // 2, r.ny // 2)], rt.FREE)


if __name__ == "__main__":
    unittest.main()
