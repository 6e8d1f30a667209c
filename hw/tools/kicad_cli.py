"""kicad_cli.py -- KiCad 9's command line (kicad-cli) for the checks and the exports.

Every run is bounded by a timeout, and a failing kicad-cli is reported with its output.
The rule checks read KiCad's JSON reports: DRC (violations, unconnected items) and ERC
(violations of every sheet), all severities, nothing excluded.
"""
import json
import os
import shutil
import subprocess

KICAD_CLI = os.environ.get("KICAD_CLI", "kicad-cli")


class CliError(Exception):
    pass


def run(args, timeout=180, ok_codes=(0,)):
    exe = shutil.which(KICAD_CLI)
    if not exe:
        raise CliError("kicad-cli not found: install KiCad 9 (scripts/deps.sh --test)")
    try:
        proc = subprocess.run([exe] + args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CliError("kicad-cli %s did not finish within %d s" % (" ".join(args[:2]), timeout))
    if proc.returncode not in ok_codes:
        raise CliError("kicad-cli %s exited %d: %s" % (" ".join(args), proc.returncode,
                                                      (proc.stderr + proc.stdout).strip()[-2000:]))
    return proc


def report_version(report):
    """The KiCad version that wrote a JSON report."""
    with open(report, encoding="utf-8") as f:
        return json.load(f).get("kicad_version", "?")


def drc(board, report, schematic_parity=False):
    """DRC with every severity; returns (violations, unconnected, parity) lists from the report."""
    args = ["pcb", "drc", "--format", "json", "--severity-all", "--units", "mm", "-o", report]
    if schematic_parity:
        args.append("--schematic-parity")
    run(args + [board], ok_codes=(0, 5))     # 5: violations found, read from the report
    with open(report, encoding="utf-8") as f:
        rep = json.load(f)
    return rep["violations"], rep["unconnected_items"], rep.get("schematic_parity", [])


def erc(schematic, report):
    """ERC with every severity; returns the violations of all sheets as (sheet path, violation)."""
    run(["sch", "erc", "--format", "json", "--severity-all", "--units", "mm", "-o", report, schematic],
        ok_codes=(0, 5))
    with open(report, encoding="utf-8") as f:
        rep = json.load(f)
    return [(s.get("path", "/"), v) for s in rep["sheets"] for v in s["violations"]]


def describe(v):
    items = "; ".join("%s at (%.2f, %.2f)" % (i["description"], i["pos"]["x"], i["pos"]["y"])
                      for i in v.get("items", []))
    return "%s %s: %s [%s]" % (v["severity"], v["type"], v["description"], items)
