"""The trace context: what the code running *here* is tracing, and nothing anywhere else.

While a protocol is traced, PLR's trackers, its item lookups, ``asyncio.sleep`` and
``asyncio.gather`` answer it differently: a volume set by the protocol is recorded instead
of stored, a sleep takes no time, gathered calls run in turn. Those answers live in a
:class:`Scope` held by a :class:`contextvars.ContextVar`, so they belong to the tracing
thread (and the coroutine it drives) only. A run on a worker thread, or an asyncio task
created outside the trace, sees PLR and asyncio exactly as they are, at every moment, even
while the main thread traces.

The attributes that can answer a trace are *routed* once (:func:`route`): each becomes a
small dispatcher that calls the original unless the caller is inside a scope with hooks,
and then the hook of the same job. Nothing is swapped in and out per simulation, so no
other thread can ever observe a half-patched class.

>>> import asyncio
>>> current() is None
True
>>> with entered(Scope(tracer=None)):
...     asyncio.run(asyncio.sleep(3600, "instant"))   # traced code sleeps in no time
'instant'
>>> asyncio.run(asyncio.sleep(0, "real"))            # outside the scope: the real sleep
'real'
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from praxis_lab.trace.frames import library_or_own

__all__ = ["Scope", "current", "entered", "real_state", "route", "sandbox", "sandboxed"]


class Scope:
    """One trace's context: the path's tracer and the hooks that answer PLR for it.

    ``tracer`` decides forks on symbolic numbers (:class:`~praxis_lab.trace.sym.Sym`);
    ``hooks`` (:class:`~praxis_lab.trace.trackers.TrackerHooks`) answers the routed PLR
    attributes; ``real`` counts the nested :func:`real_state` blocks in which PLR's real
    labware state is read (the judge replaying a path).
    """

    __slots__ = ("hooks", "real", "tracer")

    def __init__(self, tracer: Any, hooks: Any = None) -> None:
        self.tracer = tracer
        self.hooks = hooks
        self.real = 0


_SCOPE: ContextVar[Scope | None] = ContextVar("praxis_lab.trace.scope", default=None)


def current() -> Scope | None:
    """The scope of the code running here (None outside a trace, and on any other thread)."""
    return _SCOPE.get()


@contextlib.contextmanager
def entered(scope: Scope) -> Iterator[Scope]:
    """Trace inside ``scope`` for the length of the block (this context only)."""
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


# the side effects refused while simulating (praxis_lab.trace.sandbox): this context only
_SANDBOX: ContextVar[Any] = ContextVar("praxis_lab.trace.sandbox", default=None)


def sandbox() -> Any:
    """The sandbox of the simulation running here (None outside one, and on any other
    thread): :mod:`praxis_lab.trace.sandbox` refuses the protocol's side effects in it."""
    return _SANDBOX.get()


@contextlib.contextmanager
def sandboxed(box: Any) -> Iterator[Any]:
    """Simulate inside ``box`` for the length of the block (this context only)."""
    token = _SANDBOX.set(box)
    try:
        yield box
    finally:
        _SANDBOX.reset(token)


@contextlib.contextmanager
def real_state() -> Iterator[None]:
    """Read PLR's real labware state in this block, even inside a trace."""
    scope = _SCOPE.get()
    if scope is None:
        yield
        return
    scope.real += 1
    try:
        yield
    finally:
        scope.real -= 1


# (class, attribute, who routed it) -> the original, for every attribute routed so far
_ROUTED: dict[tuple[type, str, str], Any] = {}
_LOCK = threading.Lock()


def replace_once(cls: type, name: str, by: str, make: Callable[[Any], Any]) -> None:
    """Set ``cls.<name>`` to ``make(original)`` the first time ``by`` asks (``original``:
    the class's own attribute, or None), whatever the thread; ``make`` returning None
    leaves it as it is. A trace (``by="trace"``) and a run (``execution/routing.py``) each
    route PLR's methods this way."""
    key = (cls, name, by)
    if key in _ROUTED:
        return
    with _LOCK:
        if key in _ROUTED:
            return
        original = cls.__dict__.get(name)
        replacement = make(original)
        if replacement is not None:
            setattr(cls, name, replacement)
        _ROUTED[key] = original


def route(cls: type, name: str, hook: str) -> None:
    """Make ``cls.<name>`` answer a trace with ``scope.hooks.<hook>(original, obj, ...)``.

    Outside a trace (any thread, any task without a scope) the original runs, unchanged.
    Routing is done once per attribute; routing it again is a no-op.
    """
    def dispatcher(original: Any) -> Any:
        if original is None:
            raise KeyError(f"{cls.__name__}.{name}")
        return _dispatcher(original, hook)

    replace_once(cls, name, "trace", dispatcher)


def _dispatcher(original: Any, hook: str) -> Any:
    if isinstance(original, property):
        getter = original.fget
        assert getter is not None

        def get(obj: Any) -> Any:
            scope = _SCOPE.get()
            if scope is None or scope.hooks is None:
                return getter(obj)
            return getattr(scope.hooks, hook)(getter, obj)

        return property(get, original.fset, original.fdel, original.__doc__)

    def call(obj: Any, *args: Any, **kwargs: Any) -> Any:
        scope = _SCOPE.get()
        if scope is None or scope.hooks is None:
            return original(obj, *args, **kwargs)
        return getattr(scope.hooks, hook)(original, obj, *args, **kwargs)

    functools.update_wrapper(call, original)
    return call


# asyncio's own sleep, even if this module is imported again
_real_sleep: Callable[..., Any] = getattr(asyncio.sleep, "praxis_original", asyncio.sleep)


@functools.wraps(_real_sleep)
async def _sleep(delay: float, result: Any = None) -> Any:
    """``asyncio.sleep``: instant inside a trace, and the protocol's own in a simulation
    (its top level, its setup); the real one everywhere else."""
    scope = _SCOPE.get()
    if scope is None:
        if _SANDBOX.get() is None or not _users(sys._getframe(1)):
            return await _real_sleep(delay, result)
        return result
    if scope.hooks is not None:
        scope.hooks.slept(delay)  # the trace records the wait (its duration), never waits
    return result


_sleep.praxis_original = _real_sleep  # type: ignore[attr-defined]
asyncio.sleep = _sleep  # type: ignore[assignment]  # routed once: the real one outside a trace

_real_time_sleep: Callable[[float], None] = getattr(time.sleep, "praxis_original", time.sleep)


def _time_sleep(seconds: float) -> None:
    """``time.sleep``: the protocol's own sleep takes no time while it is simulated (in a
    trace it is recorded as ``asyncio.sleep`` is); anyone else's (a library's, another
    thread's, a real run's) is the real one."""
    if (_SANDBOX.get() is None and _SCOPE.get() is None) or not _users(sys._getframe(1)):
        return _real_time_sleep(seconds)
    scope = _SCOPE.get()
    if scope is not None and scope.hooks is not None:
        scope.hooks.slept(seconds)
    return None


def _users(frame: Any) -> bool:
    """Whether ``frame`` runs the user's code (the protocol, its setup, its helpers)."""
    return frame is not None and not library_or_own(frame.f_code.co_filename)


_time_sleep.__doc__ = f"{_time_sleep.__doc__}\n\n{_real_time_sleep.__doc__}"
_time_sleep.praxis_original = _real_time_sleep  # type: ignore[attr-defined]
time.sleep = _time_sleep  # type: ignore[assignment]  # routed once, as asyncio.sleep

_real_gather: Callable[..., Any] = getattr(asyncio.gather, "praxis_original", asyncio.gather)


async def _in_turn(aws: tuple[Any, ...], return_exceptions: bool) -> list[Any]:
    results = []
    for aw in aws:
        try:
            results.append(await aw)
        except Exception as exc:  # gather's return_exceptions=True
            if not return_exceptions:
                raise
            results.append(exc)
    return results


@functools.wraps(_real_gather)
def _gather(*aws: Any, return_exceptions: bool = False) -> Any:
    """``asyncio.gather``: inside a trace the calls are traced one after the other (no
    event loop runs there; the clock adds their times, an upper bound of running them
    together); the real one everywhere else."""
    if _SCOPE.get() is None:
        return _real_gather(*aws, return_exceptions=return_exceptions)
    return _in_turn(aws, return_exceptions)


_gather.praxis_original = _real_gather  # type: ignore[attr-defined]
asyncio.gather = _gather  # type: ignore[assignment]
