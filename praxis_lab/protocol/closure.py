"""What a top-level function of a module depends on, read from the module's text alone.

:func:`source_fingerprint` digests a setup function and every module-level statement and
helper it reads, before anything is executed: the command line files a frozen setup
under it (:mod:`praxis_lab.protocol.setups`), so a cold process can find the setup's
objects without running the file's imports first. Scoping is Python's own
(:mod:`symtable`); statements are compared without their positions, so a protocol
growing above the setup leaves it alone. A name the setup reads is followed to:

- the top-level statements that bind or mention it (``VOLUME = 100``,
  ``VOLUMES.update(...)``, ``def fill(...)``, ``class MyPlate(...)``), and what those read;
- an import: PLR, praxis_lab and pure standard-library modules by name, the user's own
  modules into their text (a helper in ``lab_decks.py`` is followed there);
- a builtin by name.

``None`` when the setup reads what a fingerprint cannot vouch for: a module that reads the
world (``os``, ``time``, ``random``…), a third-party package, ``open``/``eval``…, or a name
bound nowhere in the text (set by ``globals()``, or by a star import of a module that is
not PLR's).

>>> text = ("START = 100.0\\n\\ndef fill(p):\\n    p.set(START)\\n\\n"
...         "def setup():\\n    return fill\\n")
>>> a = source_fingerprint(text, "setup")
>>> a == source_fingerprint("# a protocol above\\n" + text, "setup")
True
>>> a == source_fingerprint(text.replace("100.0", "90.0"), "setup")
False
>>> source_fingerprint("import os\\ndef setup():\\n    return os.environ\\n", "setup") is None
True
"""

from __future__ import annotations

import ast
import builtins
import functools
import hashlib
import symtable
from collections.abc import Iterator
from pathlib import Path

from praxis_lab.protocol.fingerprint import module_file, module_kind

__all__ = ["source_fingerprint"]

_IMPURE = frozenset({"open", "input", "exec", "eval", "compile", "__import__", "globals",
                     "locals", "vars", "breakpoint", "help", "id", "hash", "memoryview",
                     "exit", "quit"})


class _Unknown(Exception):
    """A dependency the text does not vouch for."""


def _dump(node: ast.AST) -> str:
    return ast.dump(node, annotate_fields=False, include_attributes=False)


def _bound(stmt: ast.stmt) -> set[str]:
    """Every name a top-level statement binds or mentions (a ``def`` or ``class``: its own
    name only; its body runs later)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"}
    out: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return out


def _is_main_block(stmt: ast.stmt) -> bool:
    test = stmt.test if isinstance(stmt, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__")


def _loads(node: ast.AST) -> set[str]:
    """Names an expression or module-level statement reads (comprehension variables,
    lambda parameters and names it stores itself aside)."""
    read: set[str] = set()
    local: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (read if isinstance(sub.ctx, ast.Load) else local).add(sub.id)
        elif isinstance(sub, ast.comprehension):
            local |= {n.id for n in ast.walk(sub.target) if isinstance(n, ast.Name)}
        elif isinstance(sub, ast.Lambda):
            local |= {a.arg for a in ast.walk(sub.args) if isinstance(a, ast.arg)}
    return read - local


def _globals_of(table: symtable.SymbolTable) -> set[str]:
    """The global names a function or class body reads, nested scopes included."""
    out = {s.get_name() for s in table.get_symbols() if s.is_global()}
    for child in table.get_children():
        out |= _globals_of(child)
    return out


class _Module:
    """One module's text: its top-level statements by the names they bind or mention."""

    def __init__(self, source: str, filename: str) -> None:
        self.tree = ast.parse(source)
        self.table = symtable.symtable(source, filename, "exec")
        self.by_name: dict[str, list[ast.stmt]] = {}
        self.stars: list[str] = []
        for stmt in self.tree.body:
            if _is_main_block(stmt):
                continue  # runs when the file is a script, never when it is loaded
            for name in _bound(stmt):
                self.by_name.setdefault(name, []).append(stmt)
            if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
                self.stars.append(stmt.module or "")

    def reads(self, stmt: ast.stmt) -> set[str]:
        """The module-level names ``stmt`` reads (a function: when it is called too)."""
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            outer: set[str] = set()
            parts: list[ast.AST] = [*stmt.decorator_list]
            if isinstance(stmt, ast.ClassDef):
                parts += [*stmt.bases, *(k.value for k in stmt.keywords)]
            else:
                parts += [*stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d)]
            for part in parts:
                outer |= _loads(part)
            for child in self.table.get_children():
                if child.get_name() == stmt.name and child.get_lineno() == stmt.lineno:
                    return outer | _globals_of(child)
            raise _Unknown(stmt.name)
        return _loads(stmt)


@functools.lru_cache(maxsize=16)
def _module(source: str, filename: str) -> _Module:
    return _Module(source, filename)


class _Closure:
    """Walks what a name depends on across the user's modules."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.parts: list[str] = []

    def name(self, module: _Module, filename: str, name: str) -> None:
        if (filename, name) in self.seen:
            return
        self.seen.add((filename, name))
        stmts = module.by_name.get(name)
        if stmts:
            for stmt in stmts:
                self.parts.append(f"{filename}:{_dump(stmt)}")
                if isinstance(stmt, ast.Import | ast.ImportFrom):
                    self.imported(stmt, name)
                    continue
                for read in sorted(module.reads(stmt)):
                    self.name(module, filename, read)
        elif name in _IMPURE:
            raise _Unknown(name)
        elif hasattr(builtins, name):
            self.parts.append(f"builtin:{name}")
        elif module.stars and all(module_kind(m) in ("plr", "praxis", "pure")
                                  for m in module.stars):
            self.parts.append(f"star:{','.join(module.stars)}:{name}")
        else:
            raise _Unknown(name)

    def imported(self, stmt: ast.Import | ast.ImportFrom, name: str) -> None:
        if isinstance(stmt, ast.ImportFrom) and stmt.level:
            raise _Unknown("a relative import")
        for alias in stmt.names:
            if (alias.asname or alias.name).split(".")[0] != name:
                continue
            module = stmt.module if isinstance(stmt, ast.ImportFrom) else alias.name
            assert module is not None
            kind = module_kind(module)
            if kind in ("plr", "praxis", "pure"):
                self.parts.append(f"module:{module}")
            elif kind == "user":
                self.user(module, alias.name if isinstance(stmt, ast.ImportFrom) else None)
            else:
                raise _Unknown(module)

    def user(self, module: str, name: str | None) -> None:
        """A user's module: the closure of ``name`` in its text (the whole text for a module
        used as such)."""
        path = module_file(module)
        if path is None:
            raise _Unknown(module)
        text = _read(path)
        if name is None:
            self.parts.append(f"file:{module}:{hashlib.sha256(text.encode()).hexdigest()}")
            return
        self.name(_module(text, str(path)), str(path), name)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        raise _Unknown(str(path)) from None


def source_fingerprint(source: str, name: str, filename: str = "<protocol>") -> str | None:
    """The digest of top-level function ``name`` of ``source`` and of everything it reads
    (see the module's docstring), or ``None``."""
    try:
        module = _module(source, filename)
        if not any(isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and s.name == name
                   for s in module.tree.body):
            return None
        walk = _Closure()
        walk.name(module, "<main>", name)
    except (_Unknown, SyntaxError, ValueError, RecursionError):
        return None
    return _digest(walk.parts)


def _digest(parts: list[str]) -> str:
    h = hashlib.sha256()
    for part in _sorted(parts):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _sorted(parts: list[str]) -> Iterator[str]:
    yield from sorted(set(parts))
