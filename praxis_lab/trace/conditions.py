"""Path conditions made short: bounds on one parameter merged, alternatives factored.

A path's condition is the ``and`` of the branches it took (``volume > 50 and volume <=
200 and volume > 20``); a failure mode found on several paths has one per path. These
stay Python expressions (a test evaluates them with the parameters' values).

>>> simplify("volume > 50 and volume <= 200 and volume > 20")
'50 < volume <= 200'
>>> join_conditions(["n > 2 and volume > 150", "n <= 2 and volume > 150"])
'volume > 150'
>>> join_conditions(["volume > 200", "100 < volume <= 200"])
'volume > 100'
>>> join_conditions(["mode == 'a' and add", "mode == 'b' and add"])
"add and (mode == 'a' or mode == 'b')"
"""

from __future__ import annotations

import functools
import math
import re

__all__ = ["join_conditions", "short_condition", "simplify"]

SHOWN = 160  # characters of a condition a message shows

_NUMBER = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
_ATOM = re.compile(rf"^([A-Za-z_]\w*) (<=|>=|<|>|==) {_NUMBER}$")
_CHAIN = re.compile(rf"^{_NUMBER} (<=|<) ([A-Za-z_]\w*) (<=|<) {_NUMBER}$")
_Bound = tuple[float, bool, float, bool]  # lo, lo included, hi, hi included


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _atoms(condition: str) -> list[str]:
    """The top-level ``and`` parts of a condition (parentheses respected)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(condition):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and condition.startswith(" and ", i):
            parts.append(condition[start:i])
            start = i + 5
    parts.append(condition[start:])
    return [p.strip() for p in parts if p.strip()]


def _restrict(b: _Bound, op: str, x: float) -> _Bound:
    lo, lo_in, hi, hi_in = b
    if op in (">", ">=") and (x > lo or (x == lo and op == ">")):
        lo, lo_in = x, op == ">="
    elif op in ("<", "<=") and (x < hi or (x == hi and op == "<")):
        hi, hi_in = x, op == "<="
    return lo, lo_in, hi, hi_in


def _interval(name: str, b: _Bound) -> str:
    lo, lo_in, hi, hi_in = b
    if math.isinf(lo) and math.isinf(hi):
        return ""
    if math.isinf(lo):
        return f"{name} {'<=' if hi_in else '<'} {_num(hi)}"
    if math.isinf(hi):
        return f"{name} {'>=' if lo_in else '>'} {_num(lo)}"
    if lo == hi and lo_in and hi_in:
        return f"{name} == {_num(lo)}"
    return f"{_num(lo)} {'<=' if lo_in else '<'} {name} {'<=' if hi_in else '<'} {_num(hi)}"


def _parts(condition: str) -> tuple[dict[str, _Bound], list[str]]:
    bounds: dict[str, _Bound] = {}
    other: list[str] = []
    everything = (-math.inf, False, math.inf, False)
    for atom in _atoms(condition):
        chain = _CHAIN.match(atom)
        m = _ATOM.match(atom)
        if chain is not None:
            lo, op_lo, name, op_hi, hi = chain.groups()
            b = _restrict(bounds.get(name, everything), ">" if op_lo == "<" else ">=", float(lo))
            bounds[name] = _restrict(b, op_hi, float(hi))
        elif m is not None:
            name, op, x = m.group(1), m.group(2), float(m.group(3))
            b = bounds.get(name, everything)
            if op == "==":
                b = _restrict(_restrict(b, ">=", x), "<=", x)
            bounds[name] = _restrict(b, op, x) if op != "==" else b
        elif atom not in other:
            other.append(atom)
    return bounds, other


@functools.lru_cache(maxsize=4096)
def _conjunction(condition: str) -> list[str]:
    bounds, other = _parts(condition)
    return [t for t in (_interval(n, b) for n, b in bounds.items()) if t] + other


def simplify(condition: str) -> str:
    """One path's condition with the bounds on each parameter merged."""
    return " and ".join(_conjunction(condition))


def _union(alternatives: list[str]) -> str | None:
    """Alternatives that are each one interval of the same parameter, as one interval when
    they touch or overlap (None when they do not)."""
    spans = []
    for alt in alternatives:
        bounds, other = _parts(alt)
        if other or len(bounds) != 1:
            return None
        spans.append(next(iter(bounds.items())))
    names = {n for n, _b in spans}
    if len(names) != 1:
        return None
    ordered = sorted((b for _n, b in spans), key=lambda b: (b[0], not b[1]))
    lo, lo_in, hi, hi_in = ordered[0]
    for b in ordered[1:]:
        if b[0] > hi or (b[0] == hi and not (b[1] or hi_in)):
            return None  # a gap
        if b[2] > hi or (b[2] == hi and b[3]):
            hi, hi_in = b[2], b[3]
    return _interval(names.pop(), (lo, lo_in, hi, hi_in))


def _complementary(a: str, b: str) -> bool:
    """Whether one of two atoms always holds (``v <= 0`` / ``v > 0``, ``flag`` / ``not
    flag``): ``c and a`` or ``c and b`` is then ``c``."""
    if b in (f"not {a}", f"not ({a})") or a in (f"not {b}", f"not ({b})"):
        return True
    return _union([a, b]) == ""


def _merged(alternatives: list[list[str]]) -> list[list[str]]:
    """Alternatives that differ in one complementary atom merged (``a and x`` or ``a and
    not x`` is ``a``), until none are; duplicates dropped."""
    alts = [list(a) for a in alternatives]
    changed = True
    while changed and len(alts) > 1:
        changed = False
        for i, a in enumerate(alts):
            for j in range(i + 1, len(alts)):
                b = alts[j]
                only_a = [x for x in a if x not in b]
                only_b = [x for x in b if x not in a]
                if len(only_a) == len(only_b) == 1 and _complementary(only_a[0], only_b[0]):
                    alts[i] = [x for x in a if x != only_a[0]]
                    del alts[j]
                    changed = True
                    break
                if not only_a or not only_b:  # one implies the other: keep the wider
                    alts[i] = a if not only_a else b
                    del alts[j]
                    changed = True
                    break
            if changed:
                break
    return alts


def join_conditions(conditions: list[str]) -> str:
    """The conditions of several paths as one (what is common to all, then the others
    joined with ``or``); '' when one of them is always true."""
    return _joined(tuple(dict.fromkeys(conditions)))


@functools.lru_cache(maxsize=1024)
def _joined(conditions: tuple[str, ...]) -> str:
    conj = [_conjunction(c) for c in conditions]
    if not conj:
        return ""
    common = [a for a in conj[0] if all(a in c for c in conj[1:])]
    rest = _merged([[a for a in c if a not in common] for c in conj])
    if any(not r for r in rest) or len(rest) == 1:
        return " and ".join(common + (rest[0] if len(rest) == 1 else []))
    alternatives = [" and ".join(r) for r in rest]
    union = _union(alternatives)
    if union == "":  # they cover every value
        return " and ".join(common)
    if union is not None:
        either = union
    else:
        either = " or ".join(f"({a})" if " and " in a else a for a in alternatives)
        if common:
            either = f"({either})"
    return " and ".join([*common, either])


def short_condition(conditions: list[str]) -> str:
    """The joined condition, cut to what a message shows (``… or 12 other cases``)."""
    joined = join_conditions(conditions)
    if len(joined) <= SHOWN:
        return joined
    first = simplify(conditions[0])
    if len(first) > SHOWN:
        first = first[:SHOWN].rsplit(" and ", 1)[0] + " and …"
    others = len(dict.fromkeys(conditions)) - 1
    return first + (f", or {others} other case{'s' if others != 1 else ''}" if others else "")
