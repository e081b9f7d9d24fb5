"""A run's controls: subscribers, pause, resume, abort, from any thread.

:class:`RunControl` is what the run monitor drives (``widgets.run_monitor.RunController``):
``subscribe(fn)`` for the run's messages, ``pause()``, ``resume()``, ``abort()``. Controls
called from another thread than the run's event loop are handed to that loop. A stop
(``abort``, or the runner's own: a time limit, a call it could not log) lets nothing
more reach the device and interrupts the call in flight. What a subscriber raises never
reaches the run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from praxis_lab.execution import messages
from praxis_lab.execution.record import RunRecord

__all__ = ["RunControl", "Stop", "Subscriber"]

_log = logging.getLogger("praxis_lab.execution.runner")
Subscriber = Callable[[dict[str, Any]], object]
Stop = tuple[str, tuple[str, str]]  # (final status, (error code, message))


class RunControl:
    """Subscribers and the pause / resume / abort controls of one run."""

    def __init__(self) -> None:
        self.status: str = "idle"
        self.record: RunRecord | None = None
        self.request_info: dict[str, Any] | None = None
        self.task: asyncio.Task[RunRecord] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: list[Subscriber] = []
        self._gate: asyncio.Event | None = None  # set: calls go on; clear: paused
        self._paused: bool = False
        self._stopping: Stop | None = None  # why the run stops early (abort, time limit...)

    @property
    def run_id(self) -> int | None:
        return None

    # --- subscribers and controls ------------------------------------------------------
    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn(message)`` for every message of this run; returns an unsubscribe.

        A subscriber joining a prepared run first gets its current status.
        """
        self._subscribers.append(fn)
        if self.run_id is not None:
            self._tell(fn, messages.status(self.run_id, self.status))
        if self.request_info is not None:
            self._tell(fn, messages.request(self.request_info))
        return lambda: self._subscribers.remove(fn) if fn in self._subscribers else None

    def _emit(self, message: dict[str, Any]) -> None:
        for fn in list(self._subscribers):
            self._tell(fn, message)

    def _tell(self, fn: Subscriber, message: dict[str, Any]) -> None:
        """``fn(message)``; what it raises is logged and never reaches the run, except a
        KeyboardInterrupt, which aborts the run as Ctrl-C would."""
        try:
            fn(message)
        except BaseException as exc:
            _log.error("run %s: subscriber %r raised %s; the run goes on", self.run_id, fn,
                       type(exc).__name__, exc_info=True)
            if isinstance(exc, KeyboardInterrupt) and self.record is None:
                self.abort()

    def _in_loop(self, fn: Callable[[], None]) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            fn()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn()
        else:
            loop.call_soon_threadsafe(fn)

    def pause(self) -> None:
        """Hold the run before its next PLR call (the call in flight finishes)."""
        def do() -> None:
            self._paused = True
            if self._gate is not None:
                self._gate.clear()
            if self.status == "running":
                self._emit(messages.status(self.run_id, "paused"))
        self._in_loop(do)

    def resume(self) -> None:
        """Let a paused run go on with its next PLR call."""
        def do() -> None:
            was_paused, self._paused = self._paused, False
            if self._gate is not None:
                self._gate.set()
            if was_paused and self.status == "running":
                self._emit(messages.status(self.run_id, "running"))
        self._in_loop(do)

    def abort(self) -> None:
        """Cancel the run (status ``canceled``): no further call reaches the device."""
        self._stop(("canceled", ("Canceled", "aborted by the user")))

    def _stop(self, why: Stop) -> None:
        """End the run early with ``why``: nothing more reaches the device, the call in
        flight is interrupted."""
        def do() -> None:
            if self._stopping is None:
                self._stopping = why
            if self._gate is not None:
                self._gate.set()  # a paused run wakes up to stop
            task = self.task
            if task is not None and not task.done() and task is not _current_task():
                task.cancel()  # interrupts the call in flight
        self._in_loop(do)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None
