"""The ``int`` and ``range`` a protocol's own code sees: Python's, except given a traced number.

A traced protocol's numeric parameters are symbols (:class:`praxis_lab.trace.sym.Sym`);
Python's ``int()`` must return a plain int, so ``range(int(n_samples / 8))`` would lose
what the count depends on, and ``range(0, n, 8)`` would be forked on ``n`` rather than on
its passes. A loaded protocol's namespace gets these two stand-ins instead: with anything
else than a symbol they are exactly the builtins (``isinstance(x, int)``, ``int("3")``,
``range(5)``, ``class Id(int)``), with a symbol they ask it (``praxis_int``,
``praxis_range``). Only the protocol's module sees them, never another module or the
process.

>>> int("12"), isinstance(3, int), isinstance(True, int), list(range(0, 9, 4))
(12, True, True, [0, 4, 8])
>>> isinstance(range(3), range), int.from_bytes(b"\\x01", "big"), int is not __builtins__
(True, 1, True)
"""

from __future__ import annotations

import builtins
from typing import Any

__all__ = ["int", "names", "range"]

_int, _range = builtins.int, builtins.range


def _traced(x: Any, method: str) -> bool:
    return hasattr(type(x), method)


class _IntType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, _int)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _int)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is int and len(args) == 1 and not kwargs and _traced(args[0], "praxis_int"):
            return args[0].praxis_int()
        if cls is int:
            return _int(*args, **kwargs)
        return super().__call__(*args, **kwargs)  # a protocol's own subclass of int

    def __repr__(cls) -> str:
        return repr(_int) if cls is int else super().__repr__()


class int(builtins.int, metaclass=_IntType):
    """Python's ``int``; ``int(symbol)`` stays a symbol."""


class _RangeType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, _range)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, _range)

    def __call__(cls, *args: Any) -> Any:
        for a in args:
            if _traced(a, "praxis_range"):
                return type(a).praxis_range(*args)
        return _range(*args)

    def __getattr__(cls, name: str) -> Any:
        return getattr(_range, name)

    def __repr__(cls) -> str:
        return repr(_range)


class range(metaclass=_RangeType):
    """Python's ``range``; one with a symbol counts its passes on the symbol."""


def names() -> dict[str, Any]:
    """The names a protocol's namespace gets over the builtins."""
    return {"int": int, "range": range}
