"""What a machine's backend accepts, read from PLR's source: the ranges it asserts and the
signatures it binds ``**backend_kwargs`` to.

PLR's front ends pass most checks to the backend: ``Shaker.shake(speed, duration,
**backend_kwargs)`` calls ``self.backend.start_shaking(speed=speed, **backend_kwargs)``, and
the real Hamilton heater shaker backend asserts ``20 <= int(speed) <= 2_000`` there while
its chatterbox accepts any speed. Both are read here with :mod:`inspect` and :mod:`ast`
(the front end's source says which backend method gets which argument; the backend's
source says which values it refuses), so the simulator checks exactly what the backend the
setup names would refuse, and nothing is run.

>>> from pylabrobot.heating_shaking.hamilton_backend import HamiltonHeaterShakerBackend
>>> asserted_ranges(HamiltonHeaterShakerBackend.start_shaking)["speed"].text()
'20 ≤ speed ≤ 2000'
>>> [(c.method, c.passes_kwargs) for c in backend_calls(type_of("Shaker"), "shake")][0]
('start_shaking', True)
"""

from __future__ import annotations

import ast
import functools
import inspect
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BackendCall", "Range", "asserted_ranges", "backend_calls", "bind_error",
           "out_of_range", "type_of"]


def type_of(kind: str) -> type:
    from praxis_lab._plr.machines import class_of

    return class_of(kind)


@dataclass(frozen=True)
class Range:
    """The values a backend accepts for one argument, and where it says so."""

    name: str
    low: float = -math.inf
    low_open: bool = False
    high: float = math.inf
    high_open: bool = False
    error: str = "AssertionError"  # what the backend raises outside it
    where: str = ""  # module.Class.method of the check

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def text(self) -> str:
        def n(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else f"{x:g}"
        parts = []
        if self.low > -math.inf:
            parts.append(f"{n(self.low)} {'<' if self.low_open else '≤'} ")
        parts.append(self.name)
        if self.high < math.inf:
            parts.append(f" {'<' if self.high_open else '≤'} {n(self.high)}")
        return "".join(parts)

    def nearest(self, value: float) -> float:
        """The accepted value closest to ``value`` (a bound, or the value itself)."""
        if value < self.low or (self.low_open and value <= self.low):
            return self.low if not self.low_open else self.low + (1 if self.low >= 1 else 0.1)
        if value > self.high or (self.high_open and value >= self.high):
            return self.high if not self.high_open else self.high - 1
        return value


_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_NOT = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt}


def _source_tree(fn: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(fn))))
    except (OSError, TypeError, SyntaxError):
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None


class _Reader:
    """Reads the numeric bounds a backend method puts on its parameters."""

    def __init__(self, fn: Callable[..., Any], node: ast.FunctionDef | ast.AsyncFunctionDef,
                 owner: type | None) -> None:
        self.fn, self.owner = fn, owner
        self.params = {a.arg for a in (*node.args.args, *node.args.kwonlyargs)} - {"self"}
        self.aliases: dict[str, str] = {}  # int_speed = int(speed) -> speed
        self.found: dict[str, dict[str, Any]] = {}
        where = getattr(inspect.unwrap(fn), "__qualname__", "")
        self.where = f"{getattr(fn, '__module__', '')}.{where}"

    def number(self, node: ast.expr) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not \
                isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.number(node.operand)
            return -inner if inner is not None else None
        value: Any = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id in ("self", "cls") and self.owner is not None:
            value = getattr(self.owner, node.attr, None)
        elif isinstance(node, ast.Name) and node.id not in self.params:
            value = getattr(inspect.unwrap(self.fn), "__globals__", {}).get(node.id)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None

    def param(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            name = self.aliases.get(node.id, node.id)
            return name if name in self.params else None
        return None

    def bound(self, param: str, op: type, value: float, error: str) -> None:
        entry = self.found.setdefault(param, {"error": error})
        if op in (ast.Gt, ast.GtE):  # param > value: a low bound
            if value >= entry.get("low", -math.inf):
                entry["low"], entry["low_open"] = value, op is ast.Gt
        elif value <= entry.get("high", math.inf):
            entry["high"], entry["high_open"] = value, op is ast.Lt

    def allowed(self, test: ast.expr, error: str) -> None:
        """``test`` holds for accepted values (an assert, or the negation of a raise)."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            for value in test.values:
                self.allowed(value, error)
        elif isinstance(test, ast.Compare):
            terms = [test.left, *test.comparators]
            for left, right, op in zip(terms, terms[1:], test.ops, strict=False):
                self._pair(left, type(op), right, error)

    def forbidden(self, test: ast.expr, error: str) -> None:
        """``test`` holds for refused values (``if g < 1 or g > 1000: raise``)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            self.allowed(test.operand, error)
        elif isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            for value in test.values:
                self.forbidden(value, error)
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _NOT:
            self._pair(test.left, _NOT[type(test.ops[0])], test.comparators[0], error)

    def _pair(self, left: ast.expr, op: type, right: ast.expr, error: str) -> None:
        if op not in _FLIP:
            return
        name, value = self.param(left), self.number(right)
        if name is not None and value is not None:
            self.bound(name, op, value, error)
            return
        name, value = self.param(right), self.number(left)
        if name is not None and value is not None:
            self.bound(name, _FLIP[op], value, error)

    def visit(self, node: ast.AST) -> None:
        for child in ast.walk(node):
            if isinstance(child, ast.Assign) and len(child.targets) == 1 and isinstance(
                    child.targets[0], ast.Name) and isinstance(child.value, ast.Call) and \
                    isinstance(child.value.func, ast.Name) and child.value.func.id in (
                    "int", "float", "round") and child.value.args and isinstance(
                    child.value.args[0], ast.Name) and child.value.args[0].id in self.params:
                self.aliases[child.targets[0].id] = child.value.args[0].id
        for child in ast.walk(node):
            if isinstance(child, ast.Assert):
                self.allowed(child.test, "AssertionError")
            elif isinstance(child, ast.If) and child.body and isinstance(child.body[0], ast.Raise):
                self.forbidden(child.test, _raised_name(child.body[0]))


def _raised_name(node: ast.Raise) -> str:
    exc = node.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return exc.id if isinstance(exc, ast.Name) else "Exception"


@functools.cache
def asserted_ranges(fn: Callable[..., Any], owner: type | None = None) -> dict[str, Range]:
    """The numeric ranges ``fn`` (a backend method) refuses values outside of, by parameter:
    its ``assert low <= x <= high`` and ``if not low <= x <= high: raise`` / ``if x < low or
    x > high: raise`` checks, bounds read from constants, class attributes or module names."""
    node = _source_tree(fn)
    if node is None:
        return {}
    reader = _Reader(fn, node, owner)
    reader.visit(node)
    return {name: Range(name, b.get("low", -math.inf), b.get("low_open", False),
                        b.get("high", math.inf), b.get("high_open", False), b["error"],
                        reader.where)
            for name, b in reader.found.items() if "low" in b or "high" in b}


@dataclass(frozen=True)
class BackendCall:
    """A front-end method's call of its backend: which method, which front-end parameter
    each backend parameter gets, and whether ``**backend_kwargs`` is passed on."""

    method: str
    # backend param -> the front-end param it is given (None: an expression, like get_plate())
    keywords: dict[str, str | None] = field(default_factory=dict)
    positional: tuple[str | None, ...] = ()  # frontend params passed by position
    passes_kwargs: bool = False


@functools.cache
def backend_calls(cls: type, method: str) -> tuple[BackendCall, ...]:
    """The backend calls a front-end method of ``cls`` makes (through ``self.<other front-end
    method>(..., **backend_kwargs)`` too), read from its source."""
    fn = getattr(cls, method, None)
    node = _source_tree(fn) if fn is not None else None
    if node is None:
        return ()
    var_kw = node.args.kwarg.arg if node.args.kwarg is not None else None
    out: list[BackendCall] = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        target = call.func.value
        passes = any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == var_kw
                     for k in call.keywords) if var_kw else False
        keywords = {k.arg: k.value.id if isinstance(k.value, ast.Name) else None
                    for k in call.keywords if k.arg is not None}
        positional = tuple(a.id if isinstance(a, ast.Name) else None for a in call.args)
        if isinstance(target, ast.Attribute) and target.attr == "backend" and isinstance(
                target.value, ast.Name) and target.value.id == "self":
            out.append(BackendCall(call.func.attr, keywords, positional, passes))
        elif isinstance(target, ast.Name) and target.id == "self" and passes and \
                call.func.attr != method:
            for inner in backend_calls(cls, call.func.attr):
                if inner.passes_kwargs:  # its other arguments: what this method computed
                    out.append(BackendCall(inner.method, dict.fromkeys(inner.keywords),
                                           (None,) * len(inner.positional), True))
    return tuple(out)


def bind_error(machine: Any, kind: str, method: str, bound: dict[str, Any],
               ) -> tuple[str, str] | None:
    """The backend method (``Class.method()``) and Python's ``TypeError`` text when the
    ``**backend_kwargs`` of a call do not bind to the signature of the backend method they
    are passed to (``shake(speed=800, time=30)`` on a chatterbox), else None."""
    backend = getattr(machine, "backend", None)
    cls = type_of(kind)
    spec_kwargs = [p for p in inspect.signature(getattr(cls, method)).parameters.values()
                   if p.kind is inspect.Parameter.VAR_KEYWORD]
    extra = bound.get(spec_kwargs[0].name) if spec_kwargs else None
    if backend is None or not isinstance(extra, dict):
        return None
    for call in backend_calls(cls, method):
        target = getattr(type(backend), call.method, None)
        if target is None or not call.passes_kwargs:
            continue
        args = [bound.get(n) if n is not None else None for n in call.positional]
        kwargs = {k: bound.get(v) if v is not None else None for k, v in call.keywords.items()}
        try:
            inspect.signature(target).bind(backend, *args, **kwargs, **extra)
        except TypeError as exc:
            return f"{type(backend).__name__}.{call.method}()", str(exc)
    return None


def out_of_range(machine: Any, kind: str, method: str, values: dict[str, float],
                 ) -> list[tuple[str, float, Range]]:
    """The front-end arguments (by name) the machine's backend refuses, with its range:
    ``values`` maps front-end parameter names to the numbers given."""
    backend = getattr(machine, "backend", None)
    if backend is None:
        return []
    out = []
    for call in backend_calls(type_of(kind), method):
        target = getattr(type(backend), call.method, None)
        if target is None:
            continue
        ranges = asserted_ranges(target, type(backend))  # type: ignore[arg-type]
        if not ranges:
            continue
        names = _backend_params(target, call)
        for backend_name, front in names.items():
            rng = ranges.get(backend_name)
            value = values.get(front)
            if rng is not None and isinstance(value, int | float) and not rng.contains(value):
                out.append((front, float(value), rng))
    return out


def _backend_params(target: Callable[..., Any], call: BackendCall) -> dict[str, str]:
    """Backend parameter -> the front-end parameter it is given."""
    params = [p for p in inspect.signature(target).parameters if p != "self"]
    names = {params[i]: n for i, n in enumerate(call.positional)
             if n is not None and i < len(params)}
    names.update({k: v for k, v in call.keywords.items() if v is not None})
    return names
