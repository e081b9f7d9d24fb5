"""Load a protocol: compile and run its source, find its function, call its setup.

>>> loaded = load("async def p(lh: LiquidHandler, plate: Plate):\\n    pass\\n")
>>> loaded.info.name, loaded.func.__name__
('p', 'p')
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import hashlib
import inspect
import linecache
import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from praxis_lab.errors import Stopped
from praxis_lab.protocol import deferred, finalizers, numbers
from praxis_lab.protocol.analyse import ProtocolError, ProtocolInfo, analyse, compiled, user_line
from praxis_lab.protocol.finalizers import Confine

__all__ = ["Loaded", "call", "call_setup", "check_setup", "load", "raised_by", "read_source",
           "readable", "resolve_setup", "setup_function"]


@dataclass
class Loaded:
    """A protocol compiled and executed: its info, function and namespace."""

    info: ProtocolInfo
    func: Callable[..., Any]
    namespace: dict[str, Any]
    deferred: bool = False  # some of its PLR imports are deferred (see load)
    calls: tuple[str, ...] | None = None  # what load was told would run besides it


def _source_of(protocol: Any) -> tuple[str, str, Callable[..., Any] | None]:
    if callable(protocol) and not isinstance(protocol, str | os.PathLike):
        fn = inspect.unwrap(protocol)
        code = getattr(fn, "__code__", None)
        filename = code.co_filename if code is not None else "<function>"
        whole = linecache.getlines(filename)
        if whole:  # the whole file or cell, so lines match the function's code
            return "".join(whole), filename, fn
        try:
            lines, _ = inspect.getsourcelines(fn)
        except (OSError, TypeError):
            raise ProtocolError(
                f"cannot read the source of {getattr(fn, '__name__', fn)!r}: pass the source "
                "string or the file path instead"
            ) from None
        return textwrap.dedent("".join(lines)), filename, fn
    if isinstance(protocol, os.PathLike) or (  # one line with no async def: a path
        isinstance(protocol, str) and "\n" not in protocol and "async def" not in protocol
    ):
        path = Path(protocol)
        if path.is_dir():
            raise ProtocolError(f"{path} is a directory: pass one protocol file (.py) in it")
        if not path.is_file():
            hint = "" if path.suffix == ".py" else " (a protocol file ends in .py)"
            raise ProtocolError(f"protocol file not found: {path}{hint}; check the path")
        return read_source(path), str(path), None
    if isinstance(protocol, str):
        return protocol, "<protocol>", None
    raise ProtocolError(f"cannot simulate a {type(protocol).__name__}: pass a function, "
                        "a source string or a path")


def call(func: Callable[..., Any], kwargs: Mapping[str, Any]) -> Any:
    """``func`` called with its parameters by name, but positional-only ones (``lh, /``) by
    position, and a ``*plates`` parameter given its tuple.

    >>> def p(lh, /, plate, *more): return lh, plate, more
    >>> call(p, {"lh": 1, "plate": 2, "more": (3, 4)})
    (1, 2, (3, 4))
    """
    args: list[Any] = []
    rest = dict(kwargs)
    kinds = inspect.Parameter
    params = list(inspect.signature(func).parameters.values())
    star = any(p.kind is kinds.VAR_POSITIONAL and p.name in rest for p in params)
    for p in params:
        if p.kind is kinds.VAR_POSITIONAL and p.name in rest:
            given = rest.pop(p.name)
            args.extend(given if isinstance(given, list | tuple) else [given])
        elif p.kind is kinds.POSITIONAL_ONLY or (star and p.kind is kinds.POSITIONAL_OR_KEYWORD):
            if p.name not in rest and p.default is kinds.empty:
                break  # (Python says which argument is missing)
            args.append(rest.pop(p.name) if p.name in rest else p.default)
    return func(*args, **rest)


def raised_by(exc: BaseException, filenames: set[str] | frozenset[str],
              code: Any = None) -> bool:
    """Whether the protocol raised ``exc`` with its own ``raise`` (not an interrupt that
    arrived while it ran): in one of ``filenames``, or in the function of ``code`` only."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None or tb.tb_frame.f_code.co_filename not in filenames or (
            code is not None and tb.tb_frame.f_code is not code):
        return False
    text = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
    return text.lstrip().startswith("raise")


def readable(source: str, where: str = "the protocol") -> str:
    """``source`` when Python can read it; :class:`ProtocolError` naming the line of a lone
    surrogate (a character pasted from a broken clipboard), which no file can hold.

    >>> try:
    ...     readable("x = '\\ud800'\\n", "the cell")
    ... except ProtocolError as exc:
    ...     print(exc.short)
    the cell has a character Python cannot read ('\\ud800', a lone surrogate) on line 1: ...
    """
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = source.count("\n", 0, exc.start) + 1
        raise ProtocolError(f"{where} has a character Python cannot read "
                            f"({source[exc.start]!r}, a lone surrogate) on line {line}: retype it",
                            line=line) from None
    return source


def read_source(path: str | os.PathLike[str]) -> str:
    """A protocol file's text as Python reads it: UTF-8, or what its PEP 263 coding cookie
    names, a UTF-8 byte order mark dropped; :class:`ProtocolError` (one line) otherwise.

    >>> import tempfile
    >>> f = tempfile.NamedTemporaryFile("wb", suffix=".py", delete=False)
    >>> _ = f.write("# -*- coding: latin-1 -*-\\n# 20 \\u00b5L\\n".encode("latin-1")); f.close()
    >>> read_source(f.name).splitlines()[1]
    '# 20 µL'
    """
    import io
    import tokenize

    data = Path(path).read_bytes()
    name = Path(path).name
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProtocolError(f"{name} is UTF-16: Python reads a protocol file as UTF-8 (or the "
                            "encoding its coding cookie names); save it as UTF-8")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # a cookie naming no codec, a BOM and another cookie
        if "invalid or missing encoding declaration" not in str(exc):
            raise ProtocolError(f"{name}: {exc}; save it as UTF-8 without a coding cookie, or "
                                "name a codec Python knows") from None
        encoding = "utf-8"  # its first lines are not UTF-8: say where
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ProtocolError(
            f"{name} is not valid {exc.encoding.upper()}: byte 0x{data[exc.start]:02x} on line "
            f"{line} cannot be read; save it as UTF-8 (or add a coding cookie such as "
            "`# -*- coding: latin-1 -*-` naming its encoding)") from None


def load(protocol: Any, name: str | None = None,
         namespace: Mapping[str, Any] | None = None, *,
         calls: tuple[str, ...] | None = None, confine: Confine | None = None) -> Loaded:
    """Compile and execute the protocol's source so its function can be traced or run.

    ``protocol`` is an async function, a source string or a path to a ``.py`` file.
    ``namespace`` supplies globals (a notebook's user namespace) visible to the cell.
    A file's imports of PLR's heavy packages that no code that runs uses are deferred
    (:mod:`praxis_lab.protocol.deferred`): ``calls`` names the file's functions that will
    be called besides the protocol (a setup that will be built); ``None``: any may be.
    ``confine`` (a simulation's) gives the code to run and runs the finalizers of the
    classes the source defines (:mod:`praxis_lab.protocol.finalizers`); its ``int()`` and
    ``range()`` calls go through :func:`praxis_lab.protocol.numbers.praxis_call` (a symbol
    keeps its count). A run's source is compiled as it is, its builtins Python's.
    """
    source, filename, fn = _source_of(protocol)
    readable(source, "the protocol" if filename == "<protocol>" else filename)
    if fn is not None:
        info = analyse(source, name or fn.__name__, filename)
        return Loaded(info, fn, dict(getattr(fn, "__globals__", {})))
    if filename == "<protocol>":
        filename = f"<praxis-{hashlib.sha1(source.encode()).hexdigest()[:10]}>"
    info = analyse(source, name, filename)
    ns: dict[str, Any] = dict(namespace or {})
    ns.setdefault("__name__", "__praxis_protocol__")
    runs = None if calls is None else (info.name, *calls)
    later = deferred.plan(source, runs) if namespace is None and deferred.worth_it(
        source) else {}
    given = deferred.builtins_with(later) if later else dict(vars(builtins))
    code = compiled(source, filename)
    if confine is not None:  # a simulation: int() and range() calls keep counts traced
        given = finalizers.builtins_with({**given, **numbers.names()}, confine.finalize)
        code = confine.code(compiled(source, filename, True) if numbers.candidate(source)
                            else code)
    ns["__builtins__"] = given
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        with _importable(ns):
            exec(code, ns)
    except Stopped:
        raise  # its time limit passed
    except BaseException as exc:  # SystemExit, KeyboardInterrupt... the module's own
        line = user_line(exc, [filename])
        raise ProtocolError(
            f"running {filename} failed: {_raised(exc)}",
            line=line, column=0,
            source_line=source.splitlines()[line - 1] if line else None,
        ) from None
    func = ns.get(info.name)
    if func is None or not inspect.iscoroutinefunction(func):
        raise ProtocolError(f"{info.name} is not an async function after running {filename}")
    return Loaded(info, func, ns, deferred=bool(later), calls=calls)


@contextlib.contextmanager
def _importable(ns: dict[str, Any]) -> Iterator[None]:
    """While the file runs, ``sys.modules`` names an object whose ``__dict__`` is ``ns``:
    decorators that look their class's module up there (``@dataclass`` does) find its
    namespace, as in an import (the functions keep ``ns`` as their globals). A name
    already there (a notebook's ``__main__``) is left alone."""
    name = ns["__name__"]
    if name in sys.modules:
        yield
        return
    sys.modules[name] = _Namespace(ns)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.modules.pop(name, None)


class _Namespace:
    """A module stand-in over the protocol's namespace (a module's ``__dict__`` cannot be
    given)."""

    def __init__(self, ns: dict[str, Any]) -> None:
        self.__dict__ = ns


def _raised(exc: BaseException) -> str:
    """``ValueError: no deck``; an exit says so (a protocol exits, it is not a usage error)."""
    said = str(exc).splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, SystemExit):
        return f"SystemExit ({'sys.exit(' + said + ')' if said else 'sys.exit()'}): it exits"
    return f"{type(exc).__name__}: {said}" if said else type(exc).__name__


def _no_setup(loaded: Loaded, name: str) -> str:
    """The message for a setup name the protocol's namespace lacks: the plain functions
    defined there (not imported labware factories or builtins), the closest one first."""
    module = loaded.namespace.get("__name__")
    known = [k for k, v in loaded.namespace.items()
             if inspect.isfunction(v) and not k.startswith("_") and v.__module__ == module
             and not inspect.iscoroutinefunction(v)]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return (f"setup {name!r} not found in {loaded.info.filename}: {hint}define "
            f"`def {name}(): return {{...}}` (functions there: {', '.join(known) or 'none'})")


def resolve_setup(loaded: Loaded, setup: Any) -> dict[str, Any]:
    """Call the setup and check it binds the protocol's parameters.

    ``setup`` is the name of a function in the protocol's namespace, a callable or a
    mapping; it must give a dict of parameter name → PLR object.
    """
    if setup is None:
        return {}
    return check_setup(loaded, setup, call_setup(loaded, setup))


def setup_function(loaded: Loaded, setup: Any) -> Any:
    """What ``setup`` names: the function of that name in the protocol's namespace (a
    callable or mapping is itself); :class:`ProtocolError` when there is none."""
    if isinstance(setup, str):
        fn = loaded.namespace.get(setup)
        if fn is None or not callable(fn):
            raise ProtocolError(_no_setup(loaded, setup))
        return fn
    return setup


def _label(setup: Any) -> str:
    return setup if isinstance(setup, str) else getattr(setup, "__name__", "setup")


def call_setup(loaded: Loaded, setup: Any) -> Mapping[str, Any]:
    """What the setup returns (a mapping is itself), not yet checked against the protocol."""
    fn = setup_function(loaded, setup)
    if isinstance(fn, Mapping):
        return fn
    try:
        result = fn()
        if inspect.iscoroutine(result):
            import asyncio

            result = asyncio.run(result)
    except Stopped:
        raise  # its time limit passed
    except BaseException as exc:  # SystemExit, KeyboardInterrupt... the setup's own
        line = user_line(exc, [loaded.info.filename])
        where = f" @ line {line}" if line else ""
        raise ProtocolError(
            f"setup {_label(setup)!r} raised {_raised(exc)}{where}; fix the setup "
            "function"
        ) from None
    if not isinstance(result, Mapping):
        raise ProtocolError(
            f"setup {_label(setup)!r} returned {type(result).__name__}: it must return a dict "
            "of parameter name -> PLR object"
        )
    return result


def check_setup(loaded: Loaded, setup: Any, result: Mapping[str, Any]) -> dict[str, Any]:
    """The setup's objects, checked to name parameters of the protocol."""
    names = {p.name for p in loaded.info.params}
    unknown = sorted(set(result) - names)
    if unknown:
        raise ProtocolError(
            f"setup {_label(setup)!r} returned {', '.join(unknown)} which {loaded.info.name} "
            f"has no parameter for (parameters: {', '.join(sorted(names))})"
        )
    return dict(result)
