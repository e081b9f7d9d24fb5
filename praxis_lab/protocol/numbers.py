"""A simulated protocol's ``int(...)``, ``range(...)``, ``type(...)`` and ``isinstance(...)``
calls, rewritten to keep counts traced and its own type checks true to the values given.

A traced protocol's numeric parameters are symbols (:class:`praxis_lab.trace.sym.Sym`);
Python's ``int()`` must return a plain int, so ``range(int(n_samples / 8))`` would lose
what the count depends on, and ``range(0, n, 8)`` would be forked on ``n`` rather than on
its passes. So a simulation compiles its protocol with those calls rewritten:
``int(x)`` becomes ``__praxis_call__(int, x)`` (same line and column), and
:func:`praxis_call` asks a symbol (``praxis_int``, ``praxis_range``) only when the callee is
Python's own ``int`` or ``range`` and a symbol is among the arguments; otherwise it is the
call itself (same result, same error). ``type(volume)`` and ``isinstance(volume, float)``
of a symbol answer for its value, as for the number given (a protocol checking its
parameters' types). The names stay Python's: ``type(3) is int``,
``isinstance``, ``int`` as a value, a protocol's own ``int`` are untouched. A real run
compiles the plain source. Only a source with such a call (:func:`candidate`) is rewritten.

>>> code = compile(rewritten("k = int('12') + len(range(0, 9, 4))\\n"), "<p>", "exec")
>>> ns = {"__builtins__": {**vars(builtins), **names()}}
>>> exec(code, ns); ns["k"]
15
>>> candidate("for i in range(n):\\n    x = float(i)\\n"), candidate("k = int(v / 8)\\n")
(False, True)
"""

from __future__ import annotations

import ast
import bisect
import builtins
from collections.abc import Iterator
from typing import Any

__all__ = ["CALL", "candidate", "names", "praxis_call", "rewritten"]

CALL = "__praxis_call__"  # the name rewritten calls go through (a builtin of the namespace)
_REWRITTEN = ("int", "range", "type", "isinstance")  # calls by these names go through it
_int, _range = builtins.int, builtins.range


def _traced(x: Any, method: str) -> bool:
    return hasattr(type(x), method)


def praxis_call(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, but Python's ``int`` of a symbol is the symbol's
    ``praxis_int()`` and Python's ``range`` with a symbol is its ``praxis_range(...)``."""
    if not kwargs:
        if fn is _int and len(args) == 1 and _traced(args[0], "praxis_int"):
            return args[0].praxis_int()
        if fn is type and len(args) == 1 and _traced(args[0], "praxis_int"):
            return _value_type(args[0])  # type(volume) in (int, float): as for the value
        if fn is isinstance and len(args) == 2 and _traced(args[0], "praxis_int"):
            return isinstance(args[0], args[1]) or isinstance(args[0].value, args[1])
        if fn is _range:
            for a in args:
                if _traced(a, "praxis_range"):
                    return type(a).praxis_range(*args)
    return fn(*args, **kwargs)


def _value_type(sym: Any) -> type:
    """The type of a symbol's value (a number's), what the protocol's checks read."""
    value = sym.value
    return type(value) if isinstance(value, int | float) else type(sym)


def _counts_passes(source: str, start: int) -> bool:
    """Whether the ``range(`` call whose arguments start at ``start`` has three of them (or
    a ``*``): ``range(n)`` and ``range(1, n)`` count on the symbol already."""
    depth, commas, i = 0, 0, start
    if source[start:start + 40].lstrip().startswith("*"):
        return True
    while i < len(source):
        c = source[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return commas >= 2
            depth -= 1
        elif c == "," and depth == 0:
            commas += 1
            if commas >= 2:
                return True
        i += 1
    return False


def _calls(source: str, name: str) -> Iterator[int]:
    """Where the arguments start of each ``name(`` call (not ``x.name(``, ``my_name(``);
    found with ``str.find``, several times faster here than a regular expression."""
    i = source.find(name)
    while i != -1:
        end = i + len(name)
        before = source[i - 1] if i else " "
        if not (before.isalnum() or before in "_."):
            rest = source[end:end + 40].lstrip()
            if rest.startswith("(") and not (end < len(source) and (
                    source[end].isalnum() or source[end] == "_")):
                yield source.index("(", end) + 1
        i = source.find(name, end)


def _lines(source: str) -> list[int]:
    """The lines of the calls to rewrite: every ``int(`` and ``range(`` called by name."""
    return sorted({source.count("\n", 0, start) + 1
                   for name in _REWRITTEN for start in _calls(source, name)})


def candidate(source: str) -> bool:
    """Whether ``source`` calls ``int(...)``, or ``range(...)`` with a step, by name: what
    a symbol would need rewritten (a scan of the text, no parse)."""
    return any(next(_calls(source, name), None) is not None
               for name in ("int", "type", "isinstance")) \
        or any(_counts_passes(source, start) for start in _calls(source, "range"))


def _rewrite(node: ast.AST, lines: list[int]) -> None:
    """Send the calls under ``node`` through :data:`CALL`, entering only the nodes that
    span one of ``lines`` (a whole-tree walk would cost more than the compile)."""
    for child in ast.iter_child_nodes(node):
        end = getattr(child, "end_lineno", None)
        if end is None:  # arguments, a comprehension, a with item: placed by their parts
            if child._fields:
                _rewrite(child, lines)
            continue
        at = bisect.bisect_left(lines, child.lineno)  # type: ignore[attr-defined]
        if at == len(lines) or lines[at] > end:
            continue
        _rewrite(child, lines)
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) \
                and child.func.id in _REWRITTEN:
            child.args.insert(0, child.func)
            child.func = ast.copy_location(ast.Name(CALL, ast.Load()), child.func)


def rewritten(source: str) -> ast.Module:
    """``source`` parsed, its ``int(...)`` and ``range(...)`` calls going through
    :data:`CALL`, every node at its place in the source."""
    tree = ast.parse(source)
    _rewrite(tree, _lines(source))
    return tree


def names() -> dict[str, Any]:
    """The builtins a simulated protocol's namespace gets for its rewritten calls."""
    return {CALL: praxis_call}
