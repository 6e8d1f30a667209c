"""hw/tools -- the hub board's design, generator and checks, as one package.

Run its programs as modules from hw/: `python3 -m tools.board_check ...`,
`python3 -m tools.gen_hub_board` (stdlib only; the checks that run KiCad need kicad-cli 9). Unit tests: `python3 -m unittest
discover -s tools/tests -t .` from hw/ (ctest hw_tools_unittest).
"""
