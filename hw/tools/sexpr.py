"""sexpr.py -- a small S-expression reader for KiCad files (stdlib only).

parse(text) -> nested lists; atoms are str (quoted strings unquoted).  Enough for
.kicad_pcb / .kicad_sch; it does not keep the distinction between quoted and bare
atoms, which the checks do not need.
"""
import re

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))', re.S)


def parse(text):
    stack = [[]]
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise ValueError("S-expression syntax error at offset %d: %r" % (pos, text[pos:pos + 40]))
        pos = m.end()
        if m.group(1):
            stack.append([])
        elif m.group(2):
            if len(stack) < 2:
                raise ValueError("unbalanced ')' at offset %d" % pos)
            done = stack.pop()
            stack[-1].append(done)
        elif m.group(3) is not None:
            stack[-1].append(m.group(3).replace('\\"', '"').replace("\\\\", "\\"))
        elif m.group(4) is not None:
            stack[-1].append(m.group(4))
    if len(stack) != 1 or len(stack[0]) != 1:
        raise ValueError("unbalanced S-expression (%d open lists)" % (len(stack) - 1))
    return stack[0][0]


def children(node, tag):
    """Direct children of `node` that are lists starting with `tag`."""
    return [c for c in node if isinstance(c, list) and c and c[0] == tag]


def child(node, tag):
    c = children(node, tag)
    return c[0] if c else None


# ---- writing, in KiCad 9's layout -------------------------------------------------------------
class Sym(str):
    """A bare (unquoted) atom: a keyword such as `yes`, `input`, `thru_hole`."""


def fmt_num(v):
    """KiCad's number format: at most 4 decimals (0.1 um), no trailing zeros, no -0."""
    s = ("%.4f" % v).rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _atom(a):
    if isinstance(a, Sym):
        return str(a)
    if isinstance(a, bool):
        return "yes" if a else "no"
    if isinstance(a, int):
        return str(a)
    if isinstance(a, float):
        return fmt_num(a)
    if isinstance(a, str):
        return '"%s"' % a.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    raise TypeError("not an S-expression atom: %r" % (a,))


def dumps(node, indent=0):
    """Write `node` (a list: tag first, then atoms, then sub-lists) the way KiCad 9 writes its
    files: a list of atoms on one line; sub-lists each on their own line, one tab deeper."""
    tabs = "\t" * indent
    atoms, subs = [], []
    for a in node[1:]:
        if isinstance(a, list):
            subs.append(a)
        elif subs:
            raise ValueError("atom %r after a sub-list in (%s ...): KiCad does not write that" % (a, node[0]))
        else:
            atoms.append(_atom(a))
    first = tabs + "(" + " ".join([str(node[0])] + atoms)
    if not subs:
        return first + ")"
    return first + "\n" + "\n".join(dumps(s, indent + 1) for s in subs) + "\n" + tabs + ")"
