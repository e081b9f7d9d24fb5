"""A protocol file's imports of PLR's heavy packages, deferred while nothing uses them.

A protocol file starts with ``from pylabrobot.liquid_handling import LiquidHandler``. The
name serves its annotations (which praxis_lab reads as text: they are never evaluated) and
its setup function. When the deck comes back from the cache (a frozen setup or proposed
deck) nothing else needs the package, and importing it would be most of what the process
does. So a file is loaded with the names no code that runs uses (only annotations, or
functions nothing calls: the setup when its objects are kept), from a ``pylabrobot``
package other than ``pylabrobot.resources`` that nothing has imported yet, bound to a
:class:`Deferred` instead: it imports the real object the first time it is used (called,
subclassed, asked for an attribute or about an instance), so even a call the analysis did
not see works. Every other import runs as written.

>>> src = '''
... from pylabrobot.liquid_handling import LiquidHandler
... from pylabrobot.liquid_handling.standard import GripDirection
... def setup():
...     return {"lh": LiquidHandler}
... async def p(lh: LiquidHandler, side=GripDirection.FRONT):
...     pass
... '''
>>> plan(src, calls=["p"])  # the setup is not called: its objects are kept
{'pylabrobot.liquid_handling': frozenset({'LiquidHandler'})}
>>> plan(src, calls=["p", "setup"])
{}
"""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import sys
from collections.abc import Iterable
from typing import Any

__all__ = ["Deferred", "builtins_with", "plan", "worth_it"]


def _heavy(module: str) -> bool:
    return module.startswith("pylabrobot.") and not (
        module == "pylabrobot.resources" or module.startswith("pylabrobot.resources."))


_HEAVY_IMPORT = re.compile(r"^[ \t]*from[ \t]+(pylabrobot\.(?!resources\b)[\w.]+)[ \t]",
                           re.MULTILINE)


def _names(node: ast.AST, out: set[str]) -> set[str]:
    """Add the names ``node`` uses outside annotations (never evaluated: PEP 563)."""
    stack: list[ast.AST] = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            out.add(node.id)
            continue
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns"):
                continue
            for child in value if isinstance(value, list) else (value,):
                if isinstance(child, ast.AST):
                    stack.append(child)
    return out


def _used(tree: ast.Module, calls: Iterable[str] | None) -> set[str]:
    """The names used by the code that runs: the module's own statements (a ``def``: its
    decorators and defaults), the functions ``calls`` names, and every top-level function
    those use, transitively (``None``: every function may run)."""
    functions = {s.name: s for s in tree.body
                 if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)}
    used: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and calls is not None:
            for part in [*stmt.decorator_list, *stmt.args.defaults,
                         *(d for d in stmt.args.kw_defaults if d is not None)]:
                _names(part, used)
        else:
            _names(stmt, used)
    todo = list(calls or ()) + [n for n in used if n in functions]
    done: set[str] = set()
    while todo:
        name = todo.pop()
        if name in done or name not in functions:
            continue
        done.add(name)
        before = set(used)
        _names(functions[name], used)
        todo += [n for n in used - before if n in functions]
    return used


def worth_it(source: str) -> bool:
    """Whether the file imports a heavy PLR module this process has not imported yet (else
    nothing would be deferred: a process that has them already, the usual case)."""
    return not all(m in sys.modules for m in _HEAVY_IMPORT.findall(source))


def plan(source: str, calls: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
    """Which names of which heavy modules the file's top-level ``from … import`` statements
    may bind to :class:`Deferred` stand-ins: those no code that runs uses. ``calls`` are
    the top-level functions that will be called (the protocol; a setup that will be
    built); ``None``: any may be. Module → the names as imported."""
    if not _HEAVY_IMPORT.search(source):
        return {}
    tree = ast.parse(source)
    used = _used(tree, calls)
    found: dict[str, set[str]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module and _heavy(
                stmt.module) and all(a.name != "*" for a in stmt.names):
            names = {a.name for a in stmt.names if (a.asname or a.name) not in used}
            if len(names) == len(stmt.names):
                found.setdefault(stmt.module, set()).update(names)
    return {module: frozenset(names) for module, names in found.items()}


_UNSET: Any = object()


class Deferred:
    """A name a protocol file imports from a heavy PLR package, imported on first use."""

    __slots__ = ("_value", "module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name, self._value = module, name, _UNSET

    def resolve(self) -> Any:
        """The real object (importing its module the first time)."""
        if self._value is _UNSET:
            self._value = getattr(importlib.import_module(self.module), self.name)
        return self._value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.resolve(), attr)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self.resolve())

    def __subclasscheck__(self, cls: type) -> bool:
        return issubclass(cls, self.resolve())

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[Any, ...]:
        return (self.resolve(),)

    def __repr__(self) -> str:
        return f"<deferred {self.module}.{self.name}>"


class _Module:
    """What a deferred ``from MODULE import ...`` reads its names from."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Deferred:
        return Deferred(self._module, name)


def builtins_with(deferred: dict[str, frozenset[str]]) -> dict[str, Any]:
    """The builtins of a protocol's namespace whose ``__import__`` defers the planned
    imports (of modules nothing has imported yet); every other import is the real one."""
    real = builtins.__import__

    def importing(name: str, globals: Any = None, locals: Any = None,
                  fromlist: Any = (), level: int = 0) -> Any:
        names = deferred.get(name)
        if names is not None and not level and fromlist and name not in sys.modules \
                and set(fromlist) <= names:
            return _Module(name)
        return real(name, globals, locals, fromlist, level)

    return {**vars(builtins), "__import__": importing}
