"""Simulation has no side effects: the protocol's code may read, never write, spawn or connect.

``simulate`` runs the protocol file's Python (its module top level, its setup, its body once
per explored path). While it does, the code of the protocol (and whatever it calls) may read
files, but may not create, change or delete one, start or signal a process, or open a
network connection: each is refused with :class:`SideEffectBlocked` (a
:class:`PermissionError`, as on a read-only disk) and recorded with the protocol's line, so
the report says ``writes /path while being simulated`` even when the protocol catches it.

One audit hook (:func:`sys.addaudithook`) is installed once; it refuses an event only when
the code raising it runs inside :func:`simulating` (a :mod:`contextvars` context of
:mod:`praxis_lab.trace.scope`, so another thread, a real run, is never touched) and the
innermost code that is neither the standard library nor an installed package is the
protocol's, not praxis_lab's own (its cache of setups is written while simulating).
Python's own bytecode cache (``__pycache__``, or the ``PYTHONPYCACHEPREFIX`` tree) stays
writable.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "log.txt")
>>> with simulating() as box:
...     exec(compile("open(path, 'w')", "<protocol>", "exec"), {"path": path})
Traceback (most recent call last):
...
praxis_lab.trace.sandbox.SideEffectBlocked: writes ... while being simulated
>>> os.path.exists(path), box.blocked[0].line
(False, 1)
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from praxis_lab.trace.frames import library_or_own, user_frame
from praxis_lab.trace.scope import sandbox, sandboxed

__all__ = ["REFUSED", "Blocked", "Sandbox", "SideEffectBlocked", "raised_issue", "refuse",
           "simulating"]


class SideEffectBlocked(PermissionError):
    """A side effect the protocol's code attempted while being simulated (refused)."""


@dataclass(frozen=True)
class Blocked:
    """One refused side effect: what it was (``writes /tmp/x``) and the protocol's line."""

    what: str
    line: int | None
    filename: str | None

    def message(self) -> str:
        """``writes /tmp/x while being simulated``."""
        return f"{self.what} while being simulated"


@dataclass
class Sandbox:
    """What one simulation refused, in order (:meth:`take` hands them over once)."""

    blocked: list[Blocked] = field(default_factory=list)
    _taken: int = 0

    def take(self) -> list[Blocked]:
        """The side effects refused since the last call."""
        new = self.blocked[self._taken:]
        self._taken = len(self.blocked)
        return new


@contextlib.contextmanager
def simulating() -> Iterator[Sandbox]:
    """Refuse the protocol's side effects in this context (this thread or task only);
    nested simulations share the outer sandbox."""
    outer = sandbox()
    if isinstance(outer, Sandbox):
        yield outer
        return
    _install()
    _watch_input()
    box = Sandbox()
    with sandboxed(box):
        yield box


# --- the audit events refused, each described as the protocol's action ---

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _path(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return os.fspath(value) if isinstance(value, str | os.PathLike) else repr(value)


def _cache(value: Any) -> bool:
    """Python's bytecode cache: a ``__pycache__`` directory, or anything under the
    ``PYTHONPYCACHEPREFIX`` tree (``sys.pycache_prefix``) where Python then writes it."""
    if not isinstance(value, str | bytes | os.PathLike):
        return False
    path = _path(value)
    prefix = sys.pycache_prefix
    if "__pycache__" in path:
        return True
    return prefix is not None and (path == prefix or path.startswith(
        prefix.rstrip(os.sep) + os.sep))


# devices that are no machine: opening them (even to write) changes nothing
_HARMLESS_DEVICES = frozenset({"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                               "/dev/urandom"})


def _device(path: Any) -> str | None:
    """``opens the device /dev/ttyUSB0`` for a device file that is a machine's port (a
    serial line, a USB device, a terminal: opening one, even to read, talks to it or waits
    for it); None for other paths and for harmless devices (``/dev/null``, ``/dev/fd/3``)."""
    if not isinstance(path, str | bytes | os.PathLike):
        return None
    shown = _path(path)
    if not shown.startswith("/dev/") or shown in _HARMLESS_DEVICES or shown.startswith(
            ("/dev/fd/", "/dev/std", "/dev/shm/")):
        return None
    return f"opens the device {shown}"


def _opened(args: tuple[Any, ...]) -> str | None:
    path, mode, flags = (*args, None, None, None)[:3]
    device = _device(path)
    if device is not None or _path(path) in _HARMLESS_DEVICES:
        return device
    writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and bool(flags & _WRITE_FLAGS))
    if not writes or _cache(path) or isinstance(path, int):  # a descriptor: its file was
        return None  # opened (and checked) already; writing to an open file raises no event
    return f"writes {_path(path)}"


def _first(verb: str) -> Any:
    def describe(args: tuple[Any, ...]) -> str | None:
        if args and _cache(args[0]):
            return None
        return f"{verb} {_path(args[0])}" if args else verb
    return describe


def _renamed(args: tuple[Any, ...]) -> str | None:
    if len(args) >= 2 and _cache(args[1]):
        return None
    return f"renames {_path(args[0])} to {_path(args[1])}"


def _process(args: tuple[Any, ...]) -> str:
    shown = [a for a in args if isinstance(a, str | bytes | list | tuple) and a]
    argv = [a for a in shown if isinstance(a, list | tuple)]  # the whole command line
    what = argv[0] if argv else shown[0] if shown else ""
    if isinstance(what, list | tuple):
        what = " ".join(_path(a) for a in what)
    return f"starts a process ({_path(what)})" if what else "starts a process"


def _network(verb: str) -> Any:
    def describe(args: tuple[Any, ...]) -> str:
        target = args[1] if len(args) > 1 and verb != "looks up" else args[0] if args else ""
        return f"{verb} {target!r}" if not isinstance(target, str) else f"{verb} {target}"
    return describe


def _c_library(args: tuple[Any, ...]) -> str:
    name = _path(args[0]) if args and args[0] is not None else "of the process itself"
    return f"loads the C library {name} through ctypes"


def _c_function(args: tuple[Any, ...]) -> str:
    name = args[1] if len(args) > 1 else "?"
    return f"calls the C function {_path(name)} through ctypes"


def _memory(name: str) -> Any:
    return lambda args: f"reads or writes memory through ctypes ({name})"


_CTYPES: dict[str, Any] = {
    "ctypes.dlopen": _c_library, "ctypes.dlsym": _c_function,
    "ctypes.dlsym/handle": _c_function, "ctypes.call_function": _memory("a C function"),
    **{f"ctypes.{name}": _memory(f"ctypes.{name}") for name in (
        "addressof", "cdata", "string_at", "wstring_at", "PyObj_FromPtr", "memmove",
        "memset", "cast")},
    "ctypes.cdata/buffer": _memory("ctypes.from_buffer"),
}

_EVENTS: dict[str, Any] = {
    "open": _opened,
    "os.remove": _first("deletes"), "os.rmdir": _first("deletes"),
    "shutil.rmtree": _first("deletes"), "os.rename": _renamed,
    "os.mkdir": _first("creates"), "os.chmod": _first("changes"),
    "os.chown": _first("changes"), "os.utime": _first("changes"),
    "os.truncate": _first("truncates"), "os.link": _first("links"),
    "os.symlink": _first("links"), "os.mkfifo": _first("creates"),
    "os.mknod": _first("creates"), "os.setxattr": _first("changes"),
    "os.removexattr": _first("changes"), "shutil.chown": _first("changes"),
    "sqlite3.connect": lambda a: None if a and a[0] in (":memory:", "", b":memory:") else
    f"writes {_path(a[0])}",
    "subprocess.Popen": _process, "os.system": _process, "os.exec": _process,
    "os.posix_spawn": _process, "os.spawn": _process,
    "os.fork": lambda a: "forks the process", "os.forkpty": lambda a: "forks the process",
    "os.kill": lambda a: f"signals process {a[0]}", "os.killpg": lambda a: "signals processes",
    "_thread.start_new_thread": lambda a: "starts a thread",  # (it would run unwatched)
    "os._exit": lambda a: f"ends the process (os._exit({a[0] if a else ''}))",
    "socket.connect": _network("connects to"), "socket.bind": _network("listens on"),
    "socket.sendto": _network("sends to"), "socket.sendmsg": _network("sends to"),
    "socket.getaddrinfo": _network("looks up"), "socket.gethostbyname": _network("looks up"),
    "socket.gethostbyaddr": _network("looks up"),
    "builtins.input": lambda a: "waits for input (input(" + (repr(a[0]) if a else "") + "))",
    **_CTYPES,
}

_INSTALLED = False
_LOCK = threading.Lock()


def _hook(event: str, args: tuple[Any, ...], caller: Any = None) -> None:
    describe = _EVENTS.get(event)
    if describe is None:
        return
    box = sandbox()
    if not isinstance(box, Sandbox):
        return
    what = describe(args)
    if what is None:
        return
    caller = caller or sys._getframe(1)
    frame = user_frame(caller)
    if frame is None:
        return  # praxis_lab's own doing (its cache), or no user code on the stack
    if event in _CTYPES and _importing_a_library(caller, frame):
        return  # a package loading its C library as it is imported (numpy, a driver's)
    blocked = Blocked(what, frame.f_lineno, frame.f_code.co_filename)
    box.blocked.append(blocked)
    raise SideEffectBlocked(blocked.message())


def _importing_a_library(frame: Any, user: Any) -> bool:
    """Whether the code from ``frame`` out to the user's frame ``user`` includes the top
    level of a package being imported: ``import ctypes`` (which loads the process's own
    symbols) or a driver package that loads its C library at import is allowed, calling
    into C from the protocol is not."""
    while frame is not None and frame is not user:
        if frame.f_code.co_name == "<module>" and library_or_own(frame.f_code.co_filename):
            return True
        frame = frame.f_back
    return False


def _install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    with _LOCK:
        if not _INSTALLED:
            sys.addaudithook(_hook)
            _watch_threads()
            _watch_exits()
            _watch_memory()
            _INSTALLED = True


def _watch_threads() -> None:
    """Python 3.11 raises no audit event for a new thread (one started by the protocol
    would run unwatched): ``Thread.start`` asks the hook first, once routed like
    ``asyncio.sleep`` (the original everywhere but in a sandbox)."""
    original = threading.Thread.start
    if getattr(original, "praxis_original", None) is not None:
        return

    def start(self: threading.Thread) -> None:
        _hook("_thread.start_new_thread", (), sys._getframe(1))
        original(self)

    start.praxis_original = original  # type: ignore[attr-defined]
    threading.Thread.start = start  # type: ignore[method-assign]


def _watch_exits() -> None:
    """``os._exit`` raises no audit event either: in a sandbox it asks the hook first (a
    protocol ending the process would end the simulation, or the kernel, with no answer)."""
    original = os._exit
    if getattr(original, "praxis_original", None) is not None:
        return

    def _exit(code: int) -> None:
        _hook("os._exit", (code,), sys._getframe(1))
        original(code)

    _exit.praxis_original = original  # type: ignore[attr-defined]
    os._exit = _exit  # type: ignore[assignment]


def _guarded(owner: Any, name: str, event: str) -> None:
    """``owner.<name>`` asks the hook (as ``event``) before it runs, once routed: the
    original everywhere but in a sandbox."""
    original = getattr(owner, name)
    if getattr(original, "praxis_original", None) is not None:
        return

    @functools.wraps(original)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _hook(event, args, sys._getframe(1))
        return original(*args, **kwargs)

    guarded.praxis_original = original  # type: ignore[attr-defined]
    setattr(owner, name, guarded)


def _watch_memory() -> None:
    """``ctypes.memmove``, ``memset`` and ``cast`` raise no audit event (they write any
    address the protocol names, ``id(obj)`` included): in a sandbox they ask the hook."""
    import ctypes

    for name in ("memmove", "memset", "cast"):
        _guarded(ctypes, name, f"ctypes.{name}")


def _watch_input() -> None:
    """``input()`` would wait for a person: the builtin raises ``builtins.input``, but a
    notebook's kernel puts its own ``input`` in ``builtins`` (asking the browser): whichever
    is there when a simulation starts asks the hook first."""
    import builtins

    _guarded(builtins, "input", "builtins.input")


REFUSED = ("writing or deleting files, starting processes or threads, network connections, "
           "opening a device, calling C code through ctypes and waiting for input")

_WHAT_RUNS = ("simulate runs the protocol's Python (its top level, its setup, its body on "
              f"every path) and lets it read files, but refuses {REFUSED}")


def refuse(box: Sandbox, where: str) -> None:
    """Raise a :class:`~praxis_lab.protocol.analyse.ProtocolError` naming the first side
    effect ``box`` refused since the last look, at ``where`` (``its top level``, ``the
    setup``): such code cannot be simulated, whether or not it caught the refusal."""
    blocked = box.take()
    if not blocked:
        return
    from praxis_lab.protocol.analyse import ProtocolError

    first = blocked[0]
    name = Path(first.filename).name if first.filename else "the protocol"
    raise ProtocolError(f"{name} ({where}) {first.message()}: {_WHAT_RUNS}; move it "
                        "out of the code simulate runs", line=first.line)


def raised_issue(blocked: Blocked) -> tuple[str, int | None, tuple[str, ...]]:
    """What a path's ``raised`` issue says of a refused side effect: its message, line and
    class names (the protocol may have caught the refusal: the side effect is reported)."""
    names = tuple(c.__name__ for c in SideEffectBlocked.__mro__[:-1])
    return f"SideEffectBlocked: {blocked.message()}", blocked.line, names
