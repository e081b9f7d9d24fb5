"""What a setup's objects depend on, as one digest: the setup's code, the module-level
names it reads (with their values) and the helpers it calls, followed into the user's
own modules.

Two setups with the same fingerprint build the same objects, so a simulation may reuse
them. A fingerprint is ``None`` when that cannot be said: the setup reads a file, the
clock, the environment or random numbers (``open``, ``os``, ``time``, ``random``, …), a
third-party package, or a value whose content the fingerprint cannot read. Such a setup
is called every time. Line numbers are not part of it: a protocol growing above the
setup does not invalidate it.

:func:`function_fingerprint` reads a live function: its code objects (without their
positions) and the values its globals hold now, so a notebook cell that rebinds a name
the setup reads invalidates it.

>>> ns = {}
>>> exec("VOLUME = 100\\ndef make():\\n    return {'v': VOLUME}\\n", ns)
>>> a = function_fingerprint(ns["make"])
>>> ns["VOLUME"] = 150
>>> a != function_fingerprint(ns["make"])
True
>>> exec("import random\\ndef noisy():\\n    return {'v': random.random()}\\n", ns)
>>> function_fingerprint(ns["noisy"]) is None
True
"""

from __future__ import annotations

import builtins
import dis
import enum
import functools
import hashlib
import importlib.util
import sys
import sysconfig
import types
from pathlib import Path
from typing import Any

from praxis_lab.protocol.deferred import Deferred

__all__ = ["PURE_MODULES", "function_fingerprint", "module_file", "module_kind"]

# Standard-library modules whose functions answer the same for the same arguments (or
# only print): a setup may use them and stay reusable. Everything else of the standard
# library (os, sys, pathlib, time, datetime, random, uuid, socket, io, csv, …) can read
# the world, so a setup using it is called every time.
PURE_MODULES = frozenset({
    "abc", "array", "asyncio", "bisect", "cmath", "collections", "contextlib", "copy",
    "dataclasses", "decimal", "enum", "fractions", "functools", "heapq", "itertools",
    "json", "logging", "math", "numbers", "operator", "re", "statistics", "string",
    "textwrap", "types", "typing", "typing_extensions", "warnings", "__future__",
})

# Builtins that read the world or depend on the process.
_IMPURE_BUILTINS = frozenset({
    "open", "input", "exec", "eval", "compile", "__import__", "globals", "locals", "vars",
    "breakpoint", "help", "id", "hash", "memoryview", "exit", "quit",
})

_GLOBAL_OPS = frozenset({"LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL",
                         "STORE_NAME", "DELETE_NAME"})
_MAX_ITEMS = 20_000  # a container with more items than this is not read


class _Unknown(Exception):
    """Something the setup depends on whose content cannot be read."""


def _installed_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    roots |= {p for p in sys.path if "site-packages" in p or "dist-packages" in p}
    return tuple(sorted(str(Path(r).resolve()) for r in roots if r))


_ROOTS: tuple[str, ...] | None = None


def _is_installed(path: str) -> bool:
    global _ROOTS
    if _ROOTS is None:
        _ROOTS = _installed_roots()
    resolved = str(Path(path).resolve())
    return any(resolved == r or resolved.startswith(r + "/") for r in _ROOTS)


def module_file(name: str) -> Path | None:
    """The file of module ``name`` without importing it (``None`` when not found)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        f = getattr(loaded, "__file__", None)
        return Path(f) if f else None
    top, _, rest = name.partition(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
        return None
    path = Path(spec.origin)
    if not rest:
        return path
    base = path.parent.joinpath(*rest.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_kind(name: str) -> str:
    """``"plr"``, ``"praxis"``, ``"pure"`` (see :data:`PURE_MODULES`), ``"user"`` (a
    file of the user's, not installed) or ``"other"`` (anything a setup should not read).

    >>> module_kind("pylabrobot.resources"), module_kind("math"), module_kind("os")
    ('plr', 'pure', 'other')
    """
    top = name.partition(".")[0]
    if top == "pylabrobot":
        return "plr"
    if top == "praxis_lab":
        return "praxis"
    if top in PURE_MODULES:
        return "pure"
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return "other"
    path = module_file(name)
    if path is None or _is_installed(str(path)):
        return "other"
    return "user"


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        raise _Unknown(str(path)) from None


def _module_part(name: str) -> str:
    """What importing module ``name`` contributes: its name, or a user module's content."""
    kind = module_kind(name)
    if kind in ("plr", "praxis", "pure"):
        return f"module:{name}"
    if kind == "user":
        path = module_file(name)
        assert path is not None
        return f"module:{name}:{_file_digest(path)}"
    raise _Unknown(f"module {name}")


class _Values:
    """Reads a live function and everything it reaches into a list of parts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.seen: dict[int, int] = {}  # id(object) -> index of its first part
        self.keep: list[Any] = []  # the objects seen stay alive while their ids are keys

    def add(self, part: str) -> None:
        self.parts.append(part)

    def value(self, obj: Any, depth: int = 0) -> None:
        if depth > 50:
            raise _Unknown("nesting")
        if obj is None or isinstance(obj, bool | int | float | complex | str | bytes):
            self.add(f"{type(obj).__name__}:{obj!r}")
            return
        if isinstance(obj, Deferred):  # an import not run yet: by what it names
            self.add(f"deferred:{obj.module}.{obj.name}")
            return
        if obj is Ellipsis or obj is NotImplemented:
            self.add(repr(obj))
            return
        key = id(obj)
        if key in self.seen:
            self.add(f"ref:{self.seen[key]}")
            return
        self.seen[key] = len(self.parts)
        self.keep.append(obj)
        if isinstance(obj, tuple | list | set | frozenset | dict):
            self._container(obj, depth)
        elif isinstance(obj, types.FunctionType):
            self.function(obj, depth)
        elif isinstance(obj, types.ModuleType):
            self.add(_module_part(obj.__name__))
        elif isinstance(obj, type):
            self._class(obj, depth)
        elif isinstance(obj, types.BuiltinFunctionType | types.BuiltinMethodType):
            owner = getattr(obj, "__self__", None)
            if owner is not None and not isinstance(owner, types.ModuleType):
                raise _Unknown(f"bound {obj!r}")  # random.random: a method of a Random
            self.add(f"{_module_part(obj.__module__ or 'builtins')}.{obj.__qualname__}"
                     if obj.__module__ not in (None, "builtins") else f"builtin:{obj.__name__}")
        elif isinstance(obj, types.MethodType):
            self.add("method")
            self.value(obj.__self__, depth + 1)
            self.value(obj.__func__, depth + 1)
        elif isinstance(obj, functools.partial):
            self.add("partial")
            for part in (obj.func, obj.args, obj.keywords):
                self.value(part, depth + 1)
        elif isinstance(obj, enum.Enum):
            self.add(f"enum:{type(obj).__module__}.{type(obj).__qualname__}.{obj!r}")
        else:
            raise _Unknown(f"a {type(obj).__name__}")

    def _container(self, obj: Any, depth: int) -> None:
        if len(obj) > _MAX_ITEMS:
            raise _Unknown("a large container")
        self.add(f"{type(obj).__name__}[{len(obj)}]")
        if isinstance(obj, dict):
            for k, v in obj.items():
                self.value(k, depth + 1)
                self.value(v, depth + 1)
        elif isinstance(obj, set | frozenset):
            for item in sorted(obj, key=repr):
                self.value(item, depth + 1)
        else:
            for item in obj:
                self.value(item, depth + 1)

    def _class(self, cls: type, depth: int) -> None:
        kind = module_kind(cls.__module__) if cls.__module__ != "builtins" else "pure"
        if kind in ("plr", "praxis", "pure"):
            self.add(f"class:{cls.__module__}.{cls.__qualname__}")
            return
        if kind == "other" and cls.__module__ not in ("__main__", "__praxis_protocol__") \
                and not cls.__module__.startswith("<"):
            raise _Unknown(f"class {cls.__qualname__}")
        self.add(f"class:{cls.__qualname__}")
        for base in cls.__bases__:
            self.value(base, depth + 1)
        for name, member in sorted(vars(cls).items()):
            if name in ("__dict__", "__weakref__", "__module__", "__doc__"):
                continue
            self.add(f"attr:{name}")
            member = member.__func__ if isinstance(member, staticmethod | classmethod) else member
            if isinstance(member, property):
                for acc in (member.fget, member.fset, member.fdel):
                    self.value(acc, depth + 1)
            else:
                self.value(member, depth + 1)

    def function(self, fn: types.FunctionType, depth: int = 0) -> None:
        kind = module_kind(fn.__module__) if fn.__module__ else "user"
        if kind in ("plr", "praxis", "pure"):
            self.add(f"function:{fn.__module__}.{fn.__qualname__}")
            return
        if kind == "other" and fn.__module__ not in ("__main__", "__praxis_protocol__") \
                and not fn.__module__.startswith("<"):
            raise _Unknown(f"function {fn.__qualname__} of {fn.__module__}")
        self.add(f"function:{fn.__qualname__}")
        for part in (fn.__defaults__, fn.__kwdefaults__):
            self.value(part, depth + 1)
        for cell in fn.__closure__ or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # an empty cell
                self.add("cell:empty")
                continue
            self.value(contents, depth + 1)
        for name in self._code(fn.__code__):
            self._global(name, fn.__globals__, depth)

    def _global(self, name: str, namespace: dict[str, Any], depth: int) -> None:
        self.add(f"global:{name}")
        if name in namespace:
            self.value(namespace[name], depth + 1)
        elif name in _IMPURE_BUILTINS:
            raise _Unknown(f"builtin {name}")
        elif hasattr(builtins, name):
            self.add("builtin")
        else:
            self.add("missing")  # a NameError when the setup runs: the same each time

    def _code(self, code: types.CodeType) -> list[str]:
        """Add a code object (without its positions); the global names it reads."""
        self.add("code")
        self.add(code.co_code.hex())
        self.add(repr((code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
                       code.co_argcount, code.co_kwonlyargcount, code.co_posonlyargcount,
                       code.co_flags)))
        names: list[str] = []
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names += self._code(const)
            else:
                self.value(const)
        for ins in dis.get_instructions(code):
            if ins.opname in _GLOBAL_OPS:
                names.append(str(ins.argval))
            elif ins.opname == "IMPORT_NAME":
                self.add(_module_part(str(ins.argval)))
        return list(dict.fromkeys(names))


def function_fingerprint(fn: Any) -> str | None:
    """The digest of a live setup function and everything it reads, or ``None``.

    ``fn`` may be a plain function, a ``functools.partial`` of one or a bound method;
    anything else (a builtin, a callable object) has none.
    """
    reader = _Values()
    try:
        if not isinstance(fn, types.FunctionType | types.MethodType | functools.partial):
            return None
        reader.value(fn)
    except _Unknown:
        return None
    return _digest(reader.parts)


def _digest(parts: list[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()
