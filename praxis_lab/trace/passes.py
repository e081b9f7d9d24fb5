"""The passes of a ``while`` loop on a parameter, checked like ``range(n)``'s.

``while k < n:`` asks ``n > 0``, ``n > 1``, … one question per pass, at one line. When the
questions' bounds step evenly (``k += 1``, ``k += 8``, ``remaining -= 1``), the loop is a
count and its passes are checked with the values :meth:`Tracer.count
<praxis_lab.trace.tracer.Tracer.count>` checks for ``for i in range(n)``: each of the first
LOOP_FORKS, one between them and the value given (a *span*: the question of the default's
last pass, asked once at pass LOOP_FORKS), the value given and each after it up to
LOOP_CHAIN, and one past the chain; every other pass is answered by the path's witness
without forking. Bounds that do not step evenly (or a loop comparing two parameters) keep
the tracer's own loop rule (the first passes and the loop's end, summarised).

>>> loop = Passes(3, 16)  # while k < n: n > 0, n > 1, ... at line 5, n = 10 given
>>> [loop.ask("n", 10, ">", float(b), 5).kind[0] for b in range(19)]
['f', 'f', 'f', 's', 'w', 'w', 'w', 'w', 'w', 'f', 'f', 'f', 'f', 'f', 'f', 'f', 'f', 'w', 'w']
"""

from __future__ import annotations

import itertools
import linecache
import math
import re
from dataclasses import dataclass, field

__all__ = ["Pass", "Passes", "while_line", "within"]


@dataclass(slots=True)
class Pass:
    """How one pass's question is answered: ``fork`` (both sides explored), ``span`` (one
    fork on ``bound``, the question of the default's last pass), ``witness`` (the path's
    witness answers, no fork), or ``loop`` (not a count: the tracer's own rule)."""

    kind: str
    on: str  # the parameter
    index: int = 0  # the pass (0: the loop's first question)
    bound: float = 0.0  # the span's bound
    default: int = 0  # how many passes the parameter's default makes
    top: int = 0  # the last pass forked after the default's


@dataclass(slots=True)
class _Loop:
    rel: str
    bounds: list[float] = field(default_factory=list)
    counting: bool | None = None  # None: not known yet (before pass `first`)
    spanned: bool | None = None  # the span's side this path took (None: no span)


class Passes:
    """The while loops of one path: per (line, parameter), the bounds asked so far."""

    def __init__(self, first: int, chain: int) -> None:
        self.first, self.chain = first, chain
        self.loops: dict[tuple[int, str], _Loop] = {}

    def ask(self, p: str, default: float, rel: str, bound: float, at: int | tuple[int, str],
            ) -> Pass:
        """The rule for the next question ``p rel bound`` at line ``at`` (the default of
        ``p`` given): its pass is counted, a repeat of the first bound starts it again."""
        key = at if isinstance(at, tuple) else (at, p)
        loop = self.loops.get(key)
        if loop is None or loop.rel != rel or (loop.bounds and bound == loop.bounds[0]):
            loop = self.loops[key] = _Loop(rel)
        loop.bounds.append(bound)
        j = len(loop.bounds) - 1
        if j < self.first:
            return Pass("fork", p, j)
        if loop.counting is None:
            loop.counting = _even(loop.bounds) and rel in (">", ">=")
        if not loop.counting:
            return Pass("loop", p, j)
        b0, step = loop.bounds[0], loop.bounds[1] - loop.bounds[0]
        if bound != b0 + j * step:  # the bounds stopped stepping evenly: the default's
            return Pass("fork", p, j)  # passes are not known, every pass is a question
        passes = _passes(rel, default, b0, step)
        top = max(self.chain, passes + 1)
        if j == self.first and passes - 1 > j:
            return Pass("span", p, j, b0 + (passes - 1) * step, passes, top)
        if j < passes - 1 or j > top:
            return Pass("witness", p, j, default=passes, top=top)
        return Pass("fork", p, j, default=passes, top=top)


    def unit(self, at: tuple[int, str]) -> bool:
        """Whether the loop at ``at`` makes as many passes as its parameter's value
        (``while k < n`` with ``k += 1`` from 0)."""
        loop = self.loops[at]
        b0, step = loop.bounds[0], loop.bounds[1] - loop.bounds[0]
        return all(_passes(loop.rel, x, b0, step) == x for x in (0, 5, 17))


def _even(bounds: list[float]) -> bool:
    steps = {b - a for a, b in itertools.pairwise(bounds)}
    return len(steps) == 1 and next(iter(steps)) > 0


def _passes(rel: str, default: float, b0: float, step: float) -> int:
    """How many passes the default makes: the first pass whose question it answers no
    (``default > b0 + j * step`` holds for ``j < (default - b0) / step``)."""
    x = (default - b0) / step
    return max(0, math.ceil(x) if rel == ">" else math.floor(x) + 1)


_WHILE = re.compile(r"\s*while\b")


def while_line(filename: str, line: int) -> bool:
    """Whether ``line`` of the protocol's source is a ``while`` loop's header: only its
    questions are passes (an ``if`` on a parameter is a fork of its own).

    >>> linecache.cache["<w>"] = (0, None, ["while k < n:", "if n > 2:"], "<w>")
    >>> while_line("<w>", 1), while_line("<w>", 2)
    (True, False)
    """
    return bool(_WHILE.match(linecache.getline(filename, line)))


def within(value: int, lo: int, hi: int | None) -> int:
    """``value`` when ``lo <= value <= hi`` (no upper bound for None), else the nearest end
    (a path's first run of a count, before its witness is moved into its condition)."""
    return max(lo, value if hi is None else min(value, hi))
