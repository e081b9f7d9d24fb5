"""A run's machine calls: every awaited operation of a machine the run drives goes through
its call log, however the protocol reaches the machine.

A protocol gets its plate reader as a parameter, or finds it on the deck
(``lh.deck.get_resource("reader")``), or through another machine (``loader.centrifuge``):
the object is PLR's own either way. So, like a trace (``trace/scope.py``), each machine
operation is *routed* once (:func:`install`): a small dispatcher that calls the original
unless the caller runs inside a run's :func:`logging_calls` block that drives that very
machine, and then hands the call to the run (which may hold it while paused, and logs it
as one call of that machine). Outside such a block (any other thread, task or run), and
for a call a machine makes from inside one of its own logged operations (``shake`` ending
with ``stop_shaking``), the original runs unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import types
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Protocol

from praxis_lab.trace.scope import replace_once

__all__ = ["install", "logging_calls"]


class Sink(Protocol):
    async def _record(self, method: str, fn: Any, args: tuple[Any, ...],
                      kwargs: dict[str, Any], receiver: str = "lh") -> Any: ...


class _Logging:
    """One run's routing: the run that logs, and its machines by ``id`` → their name."""

    __slots__ = ("machines", "sink")

    def __init__(self, sink: Sink, machines: Mapping[str, Any]) -> None:
        self.sink = sink
        self.machines = {id(m): (name, m) for name, m in machines.items()}


_RUN: ContextVar[_Logging | None] = ContextVar("praxis_lab.execution.run", default=None)
_INSIDE: ContextVar[bool] = ContextVar("praxis_lab.execution.inside", default=False)


@contextlib.contextmanager
def logging_calls(sink: Sink, machines: Mapping[str, Any]) -> Iterator[None]:
    """For the length of the block (this context and the tasks it starts), every awaited
    operation of ``machines`` (name → PLR machine) goes through ``sink._record``."""
    install()
    token = _RUN.set(_Logging(sink, machines))
    try:
        yield
    finally:
        _RUN.reset(token)


def install() -> None:
    """Route every operation of every machine kind imported so far (once each)."""
    from praxis_lab._plr import machines as plr_machines

    for owner, name in plr_machines.routed_methods():
        _route(owner, name)


def _route(cls: type, name: str) -> None:
    def dispatcher(original: Any) -> Any:
        if original is not None and inspect.iscoroutinefunction(inspect.unwrap(original)):
            return _dispatcher(original, name)
        return None

    replace_once(cls, name, "run", dispatcher)


def _dispatcher(original: Any, name: str) -> Any:
    def call(obj: Any, *args: Any, **kwargs: Any) -> Any:
        run = _RUN.get()
        found = run.machines.get(id(obj)) if run is not None else None
        if found is None or found[1] is not obj or _INSIDE.get():
            return original(obj, *args, **kwargs)
        assert run is not None
        return _logged(run.sink, found[0], name, types.MethodType(original, obj), args, kwargs)

    functools.update_wrapper(call, original)
    return call


async def _logged(sink: Sink, receiver: str, name: str, bound: Any, args: tuple[Any, ...],
                  kwargs: dict[str, Any]) -> Any:
    async def inner(*a: Any, **kw: Any) -> Any:
        token = _INSIDE.set(True)  # what the machine calls of its own is not another call
        try:
            return await bound(*a, **kw)
        finally:
            _INSIDE.reset(token)

    inner.__signature__ = inspect.signature(bound)  # type: ignore[attr-defined]
    inner.__self__ = bound.__self__  # type: ignore[attr-defined]
    return await sink._record(name, inner, args, kwargs, receiver)
