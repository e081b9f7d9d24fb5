"""What kind of plate a ``Plate`` parameter is, read from how the protocol uses it.

Without a setup a ``Plate`` parameter stands for a 96-well plate; a protocol that names
``P24``, ``A13`` or ``I1`` on it (``plate["P24"]``, ``plate.get_well("I3")``,
``plate[f"M{col}"]``) or takes its quadrants (``plate.get_quadrant("tl")``) means a 384-well
plate (:func:`wide_wells`); one that sends several channels into one of its wells
(``reservoir["A1"] * 8``) means a reservoir of troughs (:func:`shared_wells`).

>>> sorted(wide_wells('''
... async def p(lh, src: Plate, dst: Plate):
...     await lh.aspirate(src["A1:H1"], vols=[10] * 8)
...     await lh.dispense(dst["I1:P1"], vols=[10] * 8)
... ''', {"src", "dst"}))
['dst']
"""

from __future__ import annotations

import ast
import re

from praxis_lab.protocol.blocks import parsed

__all__ = ["shared_wells", "wide_wells"]

_NAME = re.compile(r"^([A-Za-z]{1,2})(\d{1,2})$")
# Cheap looks at the text first: a source with none of these cannot name a well beyond H12
# or share one well among channels, and its (maybe 10,000-line) body is never parsed.
_MAYBE_WIDE = re.compile(
    r"get_quadrant|[\"':]\s*(?:[I-Zi-z]\d|[I-Zi-z]\{|[A-Za-z]{2}\d)|[A-Za-z](?:1[3-9]|[2-9]\d)\b")
_MAYBE_SHARED = re.compile(
    r"""\w\s*\[\s*(["'])[^"':\n]*\1\s*\]\s*\]?\s*\*|\*\s*\[?\s*\w+\s*\[\s*["'][^"':\n]*["']\s*\]""")


def _beyond_96(identifier: str) -> bool:
    """Whether a well name or range (``P24``, ``A1:A24``) lies outside A1-H12."""
    for part in identifier.split(":"):
        m = _NAME.match(part.strip())
        if m is None:
            continue
        row, col = m.group(1).upper(), int(m.group(2))
        if len(row) > 1 or row > "H" or col > 12:
            return True
    return False


def _named(node: ast.expr) -> bool:
    """Whether an index expression names a well beyond H12 (a string, or an f-string
    whose row letter is beyond H)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _beyond_96(node.value)
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            row = first.value.strip().upper()
            return len(row) == 1 and row.isalpha() and row > "H"
    return False


def _tree(source: str, maybe: re.Pattern[str]) -> ast.Module | None:
    """The parsed source when its text may hold what ``maybe`` looks for (else None, as
    for a source that does not parse)."""
    if not maybe.search(source):
        return None
    try:
        return parsed(source)
    except SyntaxError:
        return None


def wide_wells(source: str, names: set[str]) -> set[str]:
    """The parameters among ``names`` whose wells the source names beyond H12."""
    tree = _tree(source, _MAYBE_WIDE)
    if tree is None:
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            target, index = node.value.id, node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.attr == "get_quadrant"):
            if node.func.value.id in names:
                out.add(node.func.value.id)
            continue
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("get_well", "get_item", "get_items", "get_wells")
              and isinstance(node.func.value, ast.Name) and node.args):
            target, index = node.func.value.id, node.args[0]
        else:
            continue
        if target in names and target not in out:
            items = index.elts if isinstance(index, ast.List | ast.Tuple) else [index]
            if any(_named(i) for i in items):
                out.add(target)
    return out


def _one_well(node: ast.expr, names: set[str]) -> str | None:
    """The parameter of ``x["A1"]`` (or ``[x["A1"]]``): one named well of it."""
    if isinstance(node, ast.List) and len(node.elts) == 1:
        node = node.elts[0]
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            and node.value.id in names and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str) and ":" not in node.slice.value):
        return node.value.id
    return None


def shared_wells(source: str, names: set[str]) -> set[str]:
    """The parameters among ``names`` one of whose wells several channels share
    (``reservoir["A1"] * 8``, ``[reservoir["A1"]] * 8``).

    >>> shared_wells('async def p(lh, r: Plate):\\n    await lh.aspirate(r["A1"] * 8, [5] * 8)',
    ...              {"r"})
    {'r'}
    """
    tree = _tree(source, _MAYBE_SHARED)
    if tree is None:
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side in (node.left, node.right):
                name = _one_well(side, names)
                if name is not None:
                    out.add(name)
    return out
