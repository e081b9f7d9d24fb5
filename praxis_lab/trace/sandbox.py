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

What the protocol leaves to run later is refused too: an object it made may outlive the
simulation (kept by its report, put in another module's list) and be finalized anywhere,
on any thread. The pipeline loads it as :data:`CONFINED` says
(:mod:`praxis_lab.protocol.finalizers`): the code it runs is :func:`simulated_code`, whose
side effects are refused wherever it runs (a generator it keeps, closed later), and the
``__del__`` of a class it defines runs :func:`confined`, in a sandbox of its own where all
it does is its own (a helper it calls too), as does a ``weakref.finalize`` callback it
registers (``os.remove`` itself); an ``atexit`` handler it registers is not registered (a
simulation never exits).

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

import atexit
import contextlib
import functools
import os
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

from praxis_lab.trace.effects import CTYPES, EVENTS
from praxis_lab.trace.frames import library_or_own, user_frame
from praxis_lab.trace.scope import sandbox, sandboxed

__all__ = ["CONFINED", "REFUSED", "Blocked", "Sandbox", "SideEffectBlocked", "confined",
           "raised_issue", "refuse", "simulated_code", "simulating"]


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
    """What one simulation refused, in order (:meth:`take` hands them over once).

    ``whole``: everything that runs in it is the protocol's (a finalizer it left, see
    :func:`confined`), whoever's code attempts the side effect."""

    blocked: list[Blocked] = field(default_factory=list)
    _taken: int = 0
    whole: bool = False

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


def confined(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` as the protocol's own code, whoever calls it, whenever and on
    whatever thread: every side effect it attempts is refused, and recorded by the
    simulation running here if there is one. How a simulated protocol's finalizers run.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "kept.txt")
    >>> confined(open, path, "w")
    Traceback (most recent call last):
    ...
    praxis_lab.trace.sandbox.SideEffectBlocked: writes ... while being simulated
    >>> os.path.exists(path)
    False
    """
    _install()
    outer = sandbox()
    box = Sandbox(outer.blocked if isinstance(outer, Sandbox) else [], whole=True)
    with sandboxed(box):
        return fn(*args, **kwargs)


_INSTALLED = False
_LOCK = threading.Lock()


# the code a simulation loaded, by id (equal code objects compare equal): its side effects
# are refused wherever it runs later (see simulated_code)
_SIMULATED: dict[int, weakref.ref[CodeType]] = {}


def simulated_code(code: CodeType) -> CodeType:
    """A copy of ``code`` (a protocol module compiled for a simulation; the compiled code is
    cached, a run loading the same source gets the original) whose every function, class
    body and generator is the simulation's: run later outside any sandbox, on any thread (a
    generator the protocol keeps, closed when its report goes; a ``__del__`` it gives a
    class afterwards), its side effects are refused all the same.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "later.txt")
    >>> exec(simulated_code(compile("open(path, 'w')", "<protocol>", "exec")), {"path": path})
    Traceback (most recent call last):
    ...
    praxis_lab.trace.sandbox.SideEffectBlocked: writes ... while being simulated
    >>> os.path.exists(path)
    False
    """
    _install()
    consts = tuple(simulated_code(k) if isinstance(k, CodeType) else k for k in code.co_consts)
    copy = code.replace(co_consts=consts)
    key = id(copy)

    def gone(_: Any, simulated: dict[int, Any] = _SIMULATED) -> None:
        simulated.pop(key, None)  # (before its id can be another object's)

    _SIMULATED[key] = weakref.ref(copy, gone)
    return copy


def _hook(event: str, args: tuple[Any, ...], caller: Any = None) -> None:
    describe = EVENTS.get(event)
    if describe is None:
        return
    box = sandbox()
    if not isinstance(box, Sandbox) and not _SIMULATED:
        return
    what = describe(args)
    if what is None:
        return
    if caller is None:
        try:
            caller = sys._getframe(1)
        except ValueError:  # raised by C code with no Python below it (an exit handler)
            caller = None
    frame = user_frame(caller)
    if not isinstance(box, Sandbox):  # a simulation's code, run after it (or never)
        if frame is None or id(frame.f_code) not in _SIMULATED:
            return
        box = Sandbox()
    elif frame is None and not box.whole:
        return  # praxis_lab's own doing (its cache), or no user code on the stack
    if frame is not None and event in CTYPES and _importing_a_library(caller, frame):
        return  # a package loading its C library as it is imported (numpy, a driver's)
    line, filename = (frame.f_lineno, frame.f_code.co_filename) if frame else (None, None)
    blocked = Blocked(what, line, filename)
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
            _watch_finalizers()
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


def _watch_finalizers() -> None:
    """A ``weakref.finalize`` callback the protocol's code registers in a sandbox runs
    :func:`confined` (when its object dies, or at exit); an ``atexit`` handler it
    registers there is not registered at all (it would run at the kernel's exit)."""
    init = weakref.finalize.__init__
    if getattr(init, "praxis_original", None) is None:
        def __init__(self: Any, obj: Any, func: Any, /, *args: Any, **kwargs: Any) -> None:
            if _registering(sys._getframe(1)):
                func, args = confined, (func, *args)
            init(self, obj, func, *args, **kwargs)

        __init__.praxis_original = init  # type: ignore[attr-defined]
        weakref.finalize.__init__ = __init__  # type: ignore[method-assign]
    register: Any = atexit.register
    if getattr(register, "praxis_original", None) is None:
        @functools.wraps(register)
        def registered(func: Any, /, *args: Any, **kwargs: Any) -> Any:
            if _registering(sys._getframe(1)):
                return func  # (as atexit.register returns it)
            return register(func, *args, **kwargs)

        registered.praxis_original = register  # type: ignore[attr-defined]
        atexit.register = registered


def _registering(caller: Any) -> bool:
    """Whether the protocol's own code (not a library's) registers a finalizer here, in a
    sandbox."""
    return isinstance(sandbox(), Sandbox) and not library_or_own(caller.f_code.co_filename)


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


class Confinement:
    """How a simulation loads a protocol (:class:`praxis_lab.protocol.finalizers.Confine`):
    its code the simulation's (:func:`simulated_code`), its finalizers :func:`confined`."""

    code = staticmethod(simulated_code)
    finalize = staticmethod(confined)


CONFINED = Confinement()
