"""Symbolic numbers: a protocol parameter that remembers where it came from.

A :class:`Sym` carries an expression (``"volume * 2"``) and a *witness* value
(the parameter's default or ``--param``). Arithmetic builds new symbols; using one
as a plain number (``float()``, ``range()``, formatting) takes the witness. A
comparison asks the active :class:`~praxis_lab.trace.tracer.Tracer` which way to go, so
that both branches of ``if volume > 200:`` get explored.

Linear forms in one parameter (``a * p + b``) are kept exactly, so path
conditions can be checked for feasibility with intervals and the witness moved
into the branch being explored. Any other expression of one parameter keeps how it
is computed from it (``math.ceil(n / 8)``, ``n // 8``, ``int(v / 50)``): when that is
monotone, a comparison is one bound on the parameter
(:func:`~praxis_lab.trace.threshold.threshold`), and a count forks like ``range(n)``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, Protocol

from praxis_lab.trace.scope import current
from praxis_lab.trace.threshold import monotone, threshold

__all__ = ["Interval", "Sym", "concrete", "negate"]

_NEGATE = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne,
}


class Decider(Protocol):
    def decide(self, cond: str, witness: bool, constraint: tuple[str, str, float] | None,
               negated: str) -> bool: ...

    def witness(self, name: str) -> Any: ...

    def count(self, sym: Sym) -> int: ...


def _decider() -> Decider | None:
    """The tracer of the path being traced here (None outside a trace, on other threads)."""
    scope = current()
    return scope.tracer if scope is not None else None


def negate(cond: str) -> str:
    """``"volume > 200"`` → ``"volume <= 200"``; anything else → ``"not (...)"``."""
    for op in (">=", "<=", "==", "!=", ">", "<"):
        left, sep, right = cond.partition(f" {op} ")
        if sep and " " not in right.strip():
            return f"{left} {_NEGATE[op]} {right}"
    return f"not ({cond})"


def concrete(value: Any) -> Any:
    """The witness of a symbol, lists and tuples included; anything else unchanged."""
    if isinstance(value, Sym):
        return value.value
    if isinstance(value, list):
        return [concrete(v) for v in value]
    if isinstance(value, tuple):
        return tuple(concrete(v) for v in value)
    return value


def _called(expr: str) -> bool:
    """Whether ``expr`` is one call (``math.ceil(n / 8)``): it needs no parentheses."""
    head, paren, _rest = expr.partition("(")
    if not paren or not expr.endswith(")") or not head.replace(".", "").isidentifier():
        return False
    depth = 0
    for i, ch in enumerate(expr[len(head):]):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(expr) - len(head) - 1:
            return False
    return True


def _fmt(x: Any) -> str:
    if isinstance(x, Sym):
        return x.expr if x.atomic or _called(x.expr) else f"({x.expr})"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return repr(x)


class Sym:
    """A number whose value depends on a protocol parameter."""

    __slots__ = ("_value", "atomic", "boolean", "expr", "lin", "of", "param")

    def __init__(self, expr: str, value: Any = None, *, param: str | None = None,
                 lin: tuple[str, float, float] | None = None, boolean: bool = False,
                 of: tuple[str, Callable[[Any], Any], Any] | None = None,
                 real: bool = False) -> None:
        self.boolean = boolean  # a bool parameter: ``if flag:`` forks on ``flag``
        self.expr = expr
        self.param = param  # set for a bare parameter: its value is the path's witness
        self._value = value
        self.lin = lin if lin is not None else ((param, 1.0, 0.0) if param else None)
        self.atomic = param is not None
        # the one parameter it is computed from, how, and that parameter's value here (a
        # float for a ``float`` parameter given an int: its bounds are not integers)
        self.of = of if of is not None or param is None else (
            param, _same, float(value) if real and isinstance(value, int) else value)

    def at(self, x: Any) -> Any:
        """Its value when its parameter is ``x`` (``of`` is set)."""
        assert self.of is not None
        return self.of[1](x)

    def _then(self, expr: str, fn: Callable[[Any], Any]) -> Sym:
        """``fn`` of this symbol (``math.ceil``, ``int``): still a function of its parameter."""
        of = self.of
        if of is None:
            return Sym(expr, fn(self.value))
        inner = of[1]

        def then(x: Any) -> Any:
            return fn(inner(x))

        return Sym(expr, fn(self.value), of=(of[0], then, of[2]))

    @property
    def value(self) -> Any:
        if self.param is not None:
            decider = _decider()
            if decider is not None:
                return decider.witness(self.param)
        return self._value

    # -- arithmetic ----------------------------------------------------------------
    def _arith(self, other: Any, sym: str, fn: Callable[[Any, Any], Any],
               reverse: bool = False) -> Sym:
        a, b = (other, self) if reverse else (self, other)
        value = fn(concrete(a), concrete(b))
        lin = None
        la = a.lin if isinstance(a, Sym) else None
        lb = b.lin if isinstance(b, Sym) else None
        if isinstance(a, Sym) != isinstance(b, Sym):
            s_lin, const = (la, b) if isinstance(a, Sym) else (lb, a)
            if s_lin is not None and isinstance(const, int | float):
                p, k, c = s_lin
                if sym == "+":
                    lin = (p, k, c + const)
                elif sym == "-":
                    lin = (p, k, c - const) if isinstance(a, Sym) else (p, -k, const - c)
                elif sym == "*":
                    lin = (p, k * const, c * const)
                elif sym == "/" and isinstance(a, Sym) and const != 0:
                    lin = (p, k / const, c / const)
        return Sym(f"{_fmt(a)} {sym} {_fmt(b)}", value, lin=lin, of=_composed(a, b, fn))

    def __add__(self, o: Any) -> Sym: return self._arith(o, "+", operator.add)
    def __radd__(self, o: Any) -> Sym: return self._arith(o, "+", operator.add, True)
    def __sub__(self, o: Any) -> Sym: return self._arith(o, "-", operator.sub)
    def __rsub__(self, o: Any) -> Sym: return self._arith(o, "-", operator.sub, True)
    def __mul__(self, o: Any) -> Any:
        if isinstance(o, list | tuple | str):  # [x] * n repeats: n is used as a count
            return o * self.__index__()
        return self._arith(o, "*", operator.mul)

    def __rmul__(self, o: Any) -> Any:
        if isinstance(o, list | tuple | str):
            return o * self.__index__()
        return self._arith(o, "*", operator.mul, True)
    def __truediv__(self, o: Any) -> Sym: return self._arith(o, "/", operator.truediv)
    def __rtruediv__(self, o: Any) -> Sym: return self._arith(o, "/", operator.truediv, True)
    def __floordiv__(self, o: Any) -> Sym: return self._arith(o, "//", operator.floordiv)
    def __rfloordiv__(self, o: Any) -> Sym:
        return self._arith(o, "//", operator.floordiv, True)
    def __mod__(self, o: Any) -> Sym: return self._arith(o, "%", operator.mod)
    def __pow__(self, o: Any) -> Sym: return self._arith(o, "**", operator.pow)
    def __neg__(self) -> Sym: return self._arith(-1, "*", operator.mul)
    def __pos__(self) -> Sym: return self
    def __abs__(self) -> Any: return abs(self.value)
    def __round__(self, n: int | None = None) -> Any:
        return self._then(f"round({self.expr})" if n is None else
                          f"round({self.expr}, {n})", lambda x: round(x, n))
    def __trunc__(self) -> Any: return self._then(f"math.trunc({self.expr})", math.trunc)
    def __ceil__(self) -> Any: return self._then(f"math.ceil({self.expr})", math.ceil)
    def __floor__(self) -> Any: return self._then(f"math.floor({self.expr})", math.floor)

    def praxis_int(self) -> Sym:
        """``int(x)`` in a simulated protocol (:mod:`praxis_lab.protocol.numbers`): a symbol
        still, so ``range(int(n / 8))`` is a count on ``n``; Python's own error for a
        value ``int()`` refuses."""
        int(self.value)
        return self._then(f"int({self.expr})", int)

    @staticmethod
    def praxis_range(*args: Any) -> range:
        """``range(start, stop, step)`` with a symbol among them: the number of passes is
        the count (``range(0, n, 8)`` makes ``ceil(n / 8)`` passes, forked like
        ``range(n)``); the others are their values."""
        if len(args) != 3 or not isinstance(args[1], Sym) or isinstance(args[0], Sym) \
                or not isinstance(args[2], int) or args[2] in (-1, 0, 1):
            return range(*args)  # a count of its own (range(n), range(1, n)) or Python's
        start, stop, step = args
        passes = -((start - stop) // step)  # ceil((stop - start) / step) passes
        passes.expr = f"len(range({_fmt(start)}, {stop.expr}, {step}))"
        return range(start, start + operator.index(passes) * step, step)
    def __float__(self) -> float: return float(self.value)
    def __int__(self) -> int: return int(self.value)
    def __index__(self) -> int:
        """The symbol used as a count or an index (``range(n)``, ``[x] * n``, ``xs[:n]``):
        on a parameter (``n``, ``n + 1``) the trace forks on how many passes it makes."""
        value = self.value
        if not isinstance(value, int):  # Python's own error, with the parameter named
            raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an "
                            f"integer ({self.expr} = {value!r}: a count needs an int, e.g. "
                            f"int({self.expr}))")
        decider = _decider()
        if decider is None or self.boolean or not self.countable():
            return int(value)
        return decider.count(self)

    def countable(self) -> bool:
        """Whether it is a count the trace forks on: a parameter plus a constant, or any
        monotone function of one parameter (``2 * n``, ``math.ceil(n / 8)``)."""
        if self.lin is not None and self.lin[1] == 1:
            return True
        of = self.of
        return (of is not None and isinstance(of[2], int | float) and not isinstance(of[2], bool)
                and monotone(of[1], of[2]))

    def __hash__(self) -> int: return hash(self.expr)
    def __format__(self, spec: str) -> str: return format(self.value, spec)
    def __str__(self) -> str: return str(self.value)
    def __repr__(self) -> str: return repr(self.value)  # what the protocol prints

    # -- comparisons fork the trace ------------------------------------------------
    def question(self, other: Any, op: str,
                 ) -> tuple[bool, str, tuple[str, str, float] | None]:
        """``self op other`` as the tracer is asked it: the witness's answer, the condition
        as a report shows it, and the bound it puts on the parameter (when linear)."""
        witness = bool(_OPS[op](self.value, concrete(other)))
        cond = f"{_fmt(self)} {op} {_fmt(other)}"
        constraint = None
        if self.of is not None and not self.atomic and isinstance(other, int | float) and (
                self.lin is None or (abs(self.lin[1]) != 1 and isinstance(self.of[2], int))):
            edge = threshold(self.of[1], op, other, self.of[2])  # 2 * n > 3: n > 1
            if edge is not None:
                p, (rel, at) = self.of[0], edge
                return witness, f"{p} {rel} {_fmt(at)}", (p, rel, at)
        if self.lin is not None and isinstance(other, int | float) and self.lin[1] != 0:
            p, k, c = self.lin
            bound = (other - c) / k
            rel = op if k > 0 else {">": "<", ">=": "<=", "<": ">", "<=": ">="}.get(op, op)
            constraint = (p, rel, bound)
            if not self.atomic and rel in _NEGATE and rel != "!=":  # per_pass * 2 > 200:
                cond = f"{p} {rel} {_fmt(float(bound))}"  # said on the parameter itself
        return witness, cond, constraint

    def _compare(self, other: Any, op: str) -> bool:
        witness, cond, constraint = self.question(other, op)
        decider = _decider()
        if decider is None:
            return witness
        return decider.decide(cond, witness, constraint, negate(cond))

    def __gt__(self, o: Any) -> bool: return self._compare(o, ">")
    def __ge__(self, o: Any) -> bool: return self._compare(o, ">=")
    def __lt__(self, o: Any) -> bool: return self._compare(o, "<")
    def __le__(self, o: Any) -> bool: return self._compare(o, "<=")
    def __eq__(self, o: object) -> bool: return self._compare(o, "==")
    def __ne__(self, o: object) -> bool: return self._compare(o, "!=")

    def __bool__(self) -> bool:
        if self.boolean and self.param is not None:
            decider = _decider()
            witness = bool(self.value)
            if decider is None:
                return witness
            return decider.decide(self.param, witness, (self.param, ">=", 1),
                                  f"not {self.param}")
        return self._compare(0, "!=")


def _same(x: Any) -> Any:
    return x


def _composed(a: Any, b: Any, fn: Callable[[Any, Any], Any],
              ) -> tuple[str, Callable[[Any], Any], Any] | None:
    """``fn(a, b)`` as a function of the one parameter ``a`` and ``b`` are computed from."""
    oa = a.of if isinstance(a, Sym) else None
    ob = b.of if isinstance(b, Sym) else None
    if oa is not None and ob is not None:
        if oa[0] != ob[0]:
            return None
        return oa[0], lambda x, f=oa[1], g=ob[1]: fn(f(x), g(x)), oa[2]
    if oa is not None and not isinstance(b, Sym):
        return oa[0], lambda x, f=oa[1]: fn(f(x), b), oa[2]
    if ob is not None and not isinstance(a, Sym):
        return ob[0], lambda x, g=ob[1]: fn(a, g(x)), ob[2]
    return None


class Interval:
    """The values a parameter can still take on a path (open or closed bounds; the
    infinities are never taken)."""

    __slots__ = ("hi", "hi_open", "lo", "lo_open")

    def __init__(self) -> None:
        self.lo, self.lo_open, self.hi, self.hi_open = -math.inf, True, math.inf, True

    def copy(self) -> Interval:
        c = Interval()
        c.lo, c.lo_open, c.hi, c.hi_open = self.lo, self.lo_open, self.hi, self.hi_open
        return c

    def restrict(self, rel: str, bound: float) -> bool:
        """Apply ``x rel bound``; False when the interval becomes empty."""
        if rel in (">", ">="):
            if bound > self.lo or (bound == self.lo and rel == ">"):
                self.lo, self.lo_open = bound, rel == ">"
        elif rel in ("<", "<="):
            if bound < self.hi or (bound == self.hi and rel == "<"):
                self.hi, self.hi_open = bound, rel == "<"
        elif rel == "==":
            if not self.contains(bound):
                return False
            self.lo = self.hi = bound
            self.lo_open = self.hi_open = False
        elif rel == "!=" and self.lo == self.hi == bound:
            return False
        return self.nonempty()

    def nonempty(self) -> bool:
        if self.lo < self.hi:
            return True
        return self.lo == self.hi and not (self.lo_open or self.hi_open)

    def contains(self, x: float) -> bool:
        lo_ok = x > self.lo or (x == self.lo and not self.lo_open)
        hi_ok = x < self.hi or (x == self.hi and not self.hi_open)
        return lo_ok and hi_ok

    def pick(self, integer: bool) -> float:
        lo, hi = self.lo, self.hi
        if math.isfinite(lo) and math.isfinite(hi):
            x = (lo + hi) / 2
        elif math.isfinite(lo):
            x = lo + 1 if (self.lo_open or integer) else lo
        elif math.isfinite(hi):
            x = hi - 1 if (self.hi_open or integer) else hi
        else:
            x = 0.0
        if integer:
            x = math.floor(x) if not self.contains(math.ceil(x)) else math.ceil(x)
        return x
