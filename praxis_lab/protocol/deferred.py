"""A protocol file's imports of PLR's heavy packages, deferred while nothing uses them.

A protocol file starts with ``from pylabrobot.liquid_handling import LiquidHandler``. The
name serves its annotations (which praxis_lab reads as text) and its setup function.
When the setup's objects come back from the cache the setup is not called, and importing
PLR's liquid-handling package would be most of what the process does. So when the file is
loaded for such a simulation, the names only annotations and the setup's body use, from a
``pylabrobot`` package other than ``pylabrobot.resources`` that nothing has imported yet,
are bound to a :class:`Deferred` instead: it imports the real object the first time it is
used (called, subclassed, asked for an attribute or about an instance). Every other import
runs as written.

>>> src = '''
... from pylabrobot.liquid_handling import LiquidHandler
... from pylabrobot.liquid_handling.standard import GripDirection
... def setup():
...     return {"lh": LiquidHandler}
... async def p(lh: LiquidHandler, side=GripDirection.FRONT):
...     pass
... '''
>>> plan(src, "setup")
{'pylabrobot.liquid_handling': frozenset({'LiquidHandler'})}
"""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import sys
from typing import Any

__all__ = ["Deferred", "builtins_with", "plan"]


def _heavy(module: str) -> bool:
    return module.startswith("pylabrobot.") and not (
        module == "pylabrobot.resources" or module.startswith("pylabrobot.resources."))


_HEAVY_IMPORT = re.compile(r"^[ \t]*from[ \t]+pylabrobot\.(?!resources\b)", re.MULTILINE)


def _uses(tree: ast.Module, setup: ast.AST | None) -> tuple[set[str], set[str]]:
    """The names the module uses outside annotations (never evaluated: PEP 563): anywhere,
    and outside the body of ``setup``. One walk of the tree."""
    anywhere: set[str] = set()
    outside: set[str] = set()
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_setup = stack.pop()
        if isinstance(node, ast.Name):
            anywhere.add(node.id)
            if not in_setup:
                outside.add(node.id)
            continue
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns"):
                continue
            inner = in_setup or (node is setup and field == "body")
            for child in value if isinstance(value, list) else (value,):
                if isinstance(child, ast.AST):
                    stack.append((child, inner))
    return anywhere, outside


def plan(source: str, setup: str) -> dict[str, frozenset[str]]:
    """Which names of which heavy modules the file's top-level ``from … import`` statements
    may bind to :class:`Deferred` stand-ins when ``setup`` is not called: module → the
    names as imported."""
    if not _HEAVY_IMPORT.search(source):
        return {}
    tree = ast.parse(source)
    setup_def = next((s for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
                      and s.name == setup), None)
    anywhere, outside = _uses(tree, setup_def)
    # the setup's body runs only when something calls it: nothing but us, unless named
    used = outside if setup_def is not None and setup not in anywhere else anywhere
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
