"""The bound a comparison on a monotone function of one parameter puts on that parameter.

``math.ceil(n_samples / 8) > 12`` holds exactly when ``n_samples > 96``: a symbolic number
computed from one parameter keeps how it was computed (a function of the parameter's value),
and when that function is monotone a comparison with a constant is one bound on the
parameter, found by searching where the comparison's answer changes. The bound is what the
tracer's intervals keep and what a condition says, in the parameter's own terms.

>>> import math
>>> threshold(lambda n: math.ceil(n / 8), ">", 12, 40)
('>', 96)
>>> threshold(lambda n: n // 8, ">=", 3, 40)
('>', 23)
>>> threshold(lambda v: int(v / 50), ">", 2, 150.0)
('>=', 150.0)
>>> threshold(lambda n: 12 - n, ">", 0, 3)
('<=', 11)
>>> threshold(lambda n: n % 8, ">", 2, 40) is None  # not monotone: no bound
True
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from typing import Any

__all__ = ["monotone", "threshold"]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_FAR = (10 ** 7, 1e15)  # an integer's and a float's search span: beyond, as at its end
_SAMPLES = (*range(-40, 41), 64, 100, 128, 384, 1000, 1536, 10_000, 100_000)


def _at(fn: Callable[[Any], Any], x: Any) -> Any:
    try:
        return fn(x)
    except (ArithmeticError, ValueError, TypeError):
        return None


def monotone(fn: Callable[[Any], Any], at: Any) -> bool:
    """Whether ``fn`` never turns back over the values a parameter with value ``at`` is
    explored with (small counts, around its value, and far above and below it)."""
    integer = isinstance(at, int)
    points = sorted({at + k for k in _SAMPLES} | {-x for x in _SAMPLES} | set(_SAMPLES)
                    | ({at * 2, at * 4} if integer else {at / 2, at * 2, at + 0.5, at - 0.5}))
    values = [_at(fn, x) for x in points]
    if any(not isinstance(v, int | float) or isinstance(v, bool) or v != v for v in values):
        return False
    rises = all(a <= b for a, b in itertools.pairwise(values))
    falls = all(a >= b for a, b in itertools.pairwise(values))
    return rises or falls


def _edge(test: Callable[[Any], bool], lo: Any, hi: Any, integer: bool) -> Any:
    """The first value after ``lo`` where ``test`` turns (``test(lo) != test(hi)``)."""
    if integer:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if test(mid) == test(lo) else (lo, mid)
        return hi
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if test(mid) == test(lo) else (lo, mid)
    return hi


def _snapped(test: Callable[[float], bool], edge: float) -> tuple[float, bool]:
    """A round number at the float edge and whether it is on the side that holds like the
    values above it (``>=``) or below (``>``)."""
    for digits in range(0, 10):
        x = round(edge, digits)
        above, below = math.nextafter(x, math.inf), math.nextafter(x, -math.inf)
        if test(above) != test(below):
            return x, test(x) == test(above)
    return edge, True


def threshold(fn: Callable[[Any], Any], op: str, other: float, at: Any,
              ) -> tuple[str, float] | None:
    """``fn(p) op other`` as one bound on ``p`` (``(rel, bound)``: ``p rel bound``), ``p`` a
    parameter now ``at``; None when ``fn`` is not monotone or ``op`` is not an order.
    An integer parameter's bound is said ``p > k`` (or ``p <= k``); a comparison that holds
    for every value (or none) is ``p > -inf`` (``p < -inf``)."""
    if op not in _OPS or not isinstance(other, int | float) or not monotone(fn, at):
        return None
    integer = isinstance(at, int) and not isinstance(at, bool)

    def test(x: Any) -> bool:
        return bool(_OPS[op](fn(x), other))

    far = _FAR[0] if integer else _FAR[1]
    try:
        if test(-far) == test(far):
            return (">", -math.inf) if test(far) else ("<", -math.inf)
        edge = _edge(test, -far, far, integer)  # test(edge) == test(far): the upper side's
    except (ArithmeticError, ValueError, TypeError):
        return None
    hi = far
    if integer:
        return (">", edge - 1) if test(hi) else ("<=", edge - 1)
    x, upper_side = _snapped(test, edge)
    if test(hi):
        return (">=" if upper_side else ">"), x
    return ("<" if upper_side else "<="), x
