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
