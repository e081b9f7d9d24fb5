"""Find the protocol in a cell, file or function and read its signature.

A *protocol* is an ``async def`` with at least one PyLabRobot-typed parameter
(``LiquidHandler``, ``Plate``, ``list[Well]``...). Parameter annotations are read
as in seed 002: ``list[Well]`` has element type ``Well``; ``Sequence``, ``tuple``,
``Optional``, ``X | None``, nesting and string annotations are understood.

This is the hot path of ``simulate``, so it uses the stdlib :mod:`ast` (about
0.5 ms for a cell); LibCST is used where it earns its cost, in ``fixes.py``.

>>> info = analyse('''
... async def copy(lh: LiquidHandler, tips: TipRack, wells: list[Well], volume: float = 50):
...     await lh.pick_up_tips(tips["A1"])
... ''')
>>> info.name, [p.name for p in info.params]
('copy', ['lh', 'tips', 'wells', 'volume'])
>>> info.param("wells").element_type, info.param("wells").is_container
('Well', True)
"""

from __future__ import annotations
import __future__

import ast
import functools
import hashlib
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from praxis_lab.errors import UserError
from praxis_lab.protocol import numbers
from praxis_lab.protocol.annotations import TypeInfo, extract_type

__all__ = [
    "Parameter",
    "ProtocolError",
    "ProtocolInfo",
    "TypeInfo",
    "analyse",
    "extract_type",
    "find_protocols",
    "parse_params",
]

_MACHINES = {"LiquidHandler"}
_VALUES = {"int", "float", "str", "bool"}


class ProtocolError(UserError, ValueError):
    """A user mistake in a protocol or its setup: one clear line, no traceback.

    When the place is known the message follows LibCST's ``@ line:col`` style,
    followed by the offending line and a caret.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 source_line: str | None = None) -> None:
        self.line, self.column, self.source_line = line, column, source_line
        text = message
        if line is not None:
            text = f"{message} @ {line}:{column or 0}"
            if source_line is not None:
                caret = " " * (column or 0) + "^"
                text = f"{text}\n    {source_line.rstrip()}\n    {caret}"
        super().__init__(text)
        self.short = message if line is None else f"{message} @ {line}:{column or 0}"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One protocol parameter."""

    name: str
    annotation: str | None
    type: TypeInfo | None
    default: Any  # inspect.Parameter.empty when there is none
    line: int
    column: int

    @property
    def element_type(self) -> str | None:
        return self.type.element_type if self.type else None

    @property
    def is_container(self) -> bool:
        return bool(self.type and self.type.is_container)

    @property
    def has_default(self) -> bool:
        return self.default is not inspect.Parameter.empty

    @property
    def kind(self) -> str:
        """``machine`` (the liquid handler), ``device`` (another PLR machine: a plate reader,
        a heater shaker...), ``labware``, ``value`` or ``unknown``."""
        from praxis_lab import _plr
        from praxis_lab._plr import machines

        et = self.element_type
        if et in _MACHINES:
            return "machine"
        if et in _VALUES or (self.type is None and self.has_default):
            return "value"
        if et is not None and _plr.resolve_type(et) is not None:
            return "labware"
        if et is not None and machines.machine_type(et) is not None:
            return "device"
        return "unknown"


@dataclass(frozen=True, slots=True)
class ProtocolInfo:
    """A protocol found in source: its name, parameters and call positions."""

    name: str
    params: tuple[Parameter, ...]
    line: int
    source: str
    filename: str

    @property
    def calls(self) -> tuple[tuple[int, int, str], ...]:
        """(line, column, callee) of every call in the protocol (parsed on demand)."""
        return _calls(self.source, self.name)

    def param(self, name: str) -> Parameter:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def source_hash(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:16]


def user_line(exc: BaseException, filenames: Iterable[str]) -> int | None:
    """The innermost line of a traceback that lies in one of ``filenames`` (user source)."""
    names = set(filenames)
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in names:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def parse_params(pairs: Iterable[str] | None) -> dict[str, str]:
    """``--param`` pairs (``["volume=150"]``) as a dict of strings, for the CLI and magics.

    >>> parse_params(["volume = 150", "label=a=b"])
    {'volume': '150', 'label': 'a=b'}
    """
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ProtocolError(
                f"--param {pair!r}: write it as NAME=VALUE, e.g. --param volume=50")
        out[key.strip()] = value.strip()
    return out


def parse_param_values(pairs: Iterable[str] | None) -> dict[str, Any]:
    """Like :func:`parse_params`, with Python literals read as values (for a run).

    >>> parse_param_values(["columns=2", "volume=50.5", "label=plate A", "wells=['A1']"])
    {'columns': 2, 'volume': 50.5, 'label': 'plate A', 'wells': ['A1']}
    """
    out: dict[str, Any] = {}
    for key, raw in parse_params(pairs).items():
        try:
            out[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            out[key] = raw
    return out


def _literal(node: ast.expr | None) -> Any:
    if node is None:
        return inspect.Parameter.empty
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def _params(fn: ast.AsyncFunctionDef) -> tuple[Parameter, ...]:
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = [*zip(positional, defaults, strict=True),
             *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    out = []
    for arg, default in pairs:
        ann = ast.unparse(arg.annotation) if arg.annotation is not None else None
        tinfo = extract_type(arg.annotation) if arg.annotation is not None else None
        if tinfo is not None and isinstance(arg.annotation, ast.Constant):
            tinfo = TypeInfo(str(arg.annotation.value), tinfo.types, tinfo.is_container,
                             tinfo.optional)
            ann = str(arg.annotation.value)
        out.append(Parameter(arg.arg, ann, tinfo, _literal(default), arg.lineno, arg.col_offset))
    return tuple(out)


def _is_protocol(params: tuple[Parameter, ...]) -> bool:
    return any(p.kind in ("machine", "device", "labware") for p in params)


@functools.lru_cache(maxsize=32)
def compiled(source: str, filename: str, rewrite: bool = False) -> Any:
    """The module's code object (cached: ``analyse`` checks syntax, ``load`` runs it).

    Annotations are compiled postponed (PEP 563), so a protocol whose labware types
    are not imported still loads: the simulator reads annotations as text. ``rewrite``
    (a simulation's, when :func:`praxis_lab.protocol.numbers.candidate`): its ``int()``
    and ``range()`` calls go through ``__praxis_call__``, at the same lines and columns.
    """
    if rewrite:
        compiled(source, filename)  # its syntax errors, said as the plain source's
    try:
        return compile(numbers.rewritten(source) if rewrite else source, filename, "exec",
                       flags=__future__.annotations.compiler_flag, dont_inherit=True)
    except SyntaxError as exc:
        raise ProtocolError(
            f"syntax error in {filename}: {exc.msg}",
            line=exc.lineno, column=max((exc.offset or 1) - 1, 0), source_line=exc.text,
        ) from None
    except (RecursionError, MemoryError) as exc:  # an expression nested deeper than Python can
        raise ProtocolError(f"{filename} is too deeply nested for Python to compile "
                            f"({type(exc).__name__}): split the long expression") from None


_ASYNC_DEF = re.compile(r"^async[ \t]+def[ \t]+\w+[ \t]*\(", re.MULTILINE)


def _header(source: str, start: int) -> str:
    """The text of a function header from ``start`` to its closing ``):`` (parens balanced)."""
    depth, i, quote = 0, start, ""
    while i < len(source):
        c = source[i]
        if quote:
            if c == "\\":
                i += 1
            elif source.startswith(quote, i):
                i += len(quote) - 1
                quote = ""
        elif c in "\"'":
            quote = source[i:i + 3] if source[i:i + 3] in ('"""', "'''") else c
            i += len(quote) - 1
        elif c == "#":
            i = source.find("\n", i) - 1 if "\n" in source[i:] else len(source)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == ":" and depth == 0:
            return source[start:i + 1]
        i += 1
    return source[start:]


def find_protocols(source: str, filename: str = "<protocol>") -> list[ProtocolInfo]:
    """Every protocol defined at the top level of ``source`` (only the ``async def``
    headers are parsed: a 10,000-line body is left to the compiler)."""
    compiled(source, filename)  # a syntax error anywhere is reported here
    found = []
    for match in _ASYNC_DEF.finditer(source):
        first_line = source.count("\n", 0, match.start()) + 1
        header = _header(source, match.start())
        node = ast.parse(header + "\n    pass\n").body[0]
        assert isinstance(node, ast.AsyncFunctionDef)
        ast.increment_lineno(node, first_line - 1)
        params = _params(node)
        if _is_protocol(params):
            found.append(ProtocolInfo(node.name, params, first_line, source, filename))
    return found


@functools.lru_cache(maxsize=32)
def _calls(source: str, name: str) -> tuple[tuple[int, int, str], ...]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == name:
            return tuple(sorted((c.lineno, c.col_offset, ast.unparse(c.func))
                                for c in ast.walk(node) if isinstance(c, ast.Call)))
    return ()


def analyse(source: str, name: str | None = None, filename: str = "<protocol>") -> ProtocolInfo:
    """The protocol called ``name`` in ``source`` (or the only one).

    Raises :class:`ProtocolError` when there is none, several without a name,
    a syntax error, or an un-annotated parameter without a default.
    """
    protocols = find_protocols(source, filename)
    if name is not None:
        chosen = [p for p in protocols if p.name == name]
        if not chosen:
            if re.search(rf"^async[ \t]+def[ \t]+{re.escape(name)}\b", source, re.MULTILINE):
                raise ProtocolError(
                    f"{name} in {filename} has no LiquidHandler or labware parameter: annotate "
                    f"them, e.g. `async def {name}(lh: LiquidHandler, plate: Plate)`")
            names = ", ".join(p.name for p in protocols) or "none"
            raise ProtocolError(f"no protocol named {name!r} in {filename} (found: {names})")
    elif not protocols:
        untyped = re.findall(r"^[ \t]*async[ \t]+def[ \t]+(\w+)", source, re.MULTILINE)
        if untyped:
            raise ProtocolError(
                f"no protocol found in {filename}: {', '.join(untyped)} "
                f"{'has' if len(untyped) == 1 else 'have'} no parameter "
                "annotated with a PLR type; annotate them, e.g. "
                f"`async def {untyped[0]}(lh: LiquidHandler, plate: Plate)`")
        raise ProtocolError(
            f"no protocol found in {filename}: define an `async def` with a LiquidHandler "
            "or labware parameter (e.g. `async def run(lh: LiquidHandler, plate: Plate)`)"
        )
    elif len(protocols) > 1:
        names = ", ".join(p.name for p in protocols)
        raise ProtocolError(
            f"{len(protocols)} protocols in {filename} ({names}): choose one with --protocol NAME"
        )
    else:
        chosen = protocols
    info = chosen[0]
    for p in info.params:
        if p.annotation is None and not p.has_default:
            lines = source.splitlines()
            raise ProtocolError(
                f"parameter {p.name!r} of {info.name} has no type annotation: annotate it "
                "(e.g. `plate: Plate`) or give it a default",
                line=p.line, column=p.column,
                source_line=lines[p.line - 1] if p.line <= len(lines) else None,
            )
    return info
