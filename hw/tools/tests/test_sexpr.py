"""The S-expression reader (tools/sexpr.py) on KiCad-shaped text."""
import unittest

from tools import sexpr


class ParseTest(unittest.TestCase):
    def test_nested_lists_and_atoms(self):
        tree = sexpr.parse('(kicad_pcb (version 20211014) (net 1 "GND") (net 2 X0))')
        self.assertEqual(tree, ["kicad_pcb", ["version", "20211014"], ["net", "1", "GND"],
                                ["net", "2", "X0"]])

    def test_quoted_strings_keep_spaces_parens_and_escapes(self):
        tree = sexpr.parse(r'(property "Value" "74HC 08 (quad)" "say \"hi\"" "back\\slash")')
        self.assertEqual(tree, ["property", "Value", "74HC 08 (quad)", 'say "hi"', "back\\slash"])

    def test_whitespace_and_newlines_between_tokens(self):
        tree = sexpr.parse("\n  ( a\n\t(b  c)\n   d )\n\n")
        self.assertEqual(tree, ["a", ["b", "c"], "d"])

    def test_empty_list(self):
        self.assertEqual(sexpr.parse("(a ())"), ["a", []])

    def test_unbalanced_input_is_an_error(self):
        for text in ["(a (b)", "(a))", ")", "(a) (b)"]:
            with self.subTest(text=text):
                with self.assertRaises(ValueError):
                    sexpr.parse(text)

    def test_unterminated_string_is_an_error(self):
        with self.assertRaises(ValueError):
            sexpr.parse('(a "open)')


class ChildrenTest(unittest.TestCase):
    TREE = sexpr.parse('(footprint "DIP-14" (pad 1 thru_hole) (pad 2 smd) (at 1 2) (pad 3 x))')

    def test_children_are_the_direct_lists_with_the_tag(self):
        pads = sexpr.children(self.TREE, "pad")
        self.assertEqual([p[1] for p in pads], ["1", "2", "3"])
        self.assertEqual(sexpr.children(self.TREE, "model"), [])

    def test_child_is_the_first_or_none(self):
        self.assertEqual(sexpr.child(self.TREE, "at"), ["at", "1", "2"])
        self.assertIsNone(sexpr.child(self.TREE, "model"))


if __name__ == "__main__":
    unittest.main()


class DumpsTest(unittest.TestCase):
    def test_kicad_layout_tabs_and_one_line_atom_lists(self):
        text = sexpr.dumps(["pad", "1", sexpr.Sym("thru_hole"), ["at", 1.5, -0.0],
                            ["net", 3, 'say "hi"'], ["hide", True]])
        self.assertEqual(text, '(pad "1" thru_hole\n\t(at 1.5 0)\n\t(net 3 "say \\"hi\\"")\n\t(hide yes)\n)')

    def test_round_trip_through_the_reader(self):
        node = ["kicad_pcb", ["version", 20241229], ["footprint", "papers:DIP-14",
                                                     ["at", 217.38, 82.0], ["layer", "F.Cu"]]]
        back = sexpr.parse(sexpr.dumps(node))
        self.assertEqual(back, ["kicad_pcb", ["version", "20241229"],
                                ["footprint", "papers:DIP-14", ["at", "217.38", "82"], ["layer", "F.Cu"]]])

    def test_numbers_are_rounded_to_a_tenth_of_a_micron(self):
        self.assertEqual(sexpr.fmt_num(0.19999999999999998), "0.2")
        self.assertEqual(sexpr.fmt_num(-0.00001), "0")
        self.assertEqual(sexpr.fmt_num(12.34567), "12.3457")

    def test_an_atom_after_a_sub_list_is_refused(self):
        with self.assertRaises(ValueError):
            sexpr.dumps(["effects", ["font"], "hide"])
