"""A run's controls: subscribers, pause, resume, abort, from any thread.

:class:`RunControl` is what the run monitor drives (``widgets.run_monitor.RunController``):
``subscribe(fn)`` for the run's messages, ``pause()``, ``resume()``, ``abort()``. Controls
called from another thread than the run's event loop are handed to that loop. A stop
(``abort``, or the runner's own: a time limit, a call it could not log) lets nothing
more reach the device and interrupts the call in flight. What a subscriber raises never
reaches the run. ``retry_refusal()`` says why the run's request takes no new run (None
when it does: after a failed or interrupted run, the request still ``executing``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from praxis_lab.execution import messages
from praxis_lab.execution.record import RunRecord
from praxis_lab.store.audit import RequestError

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

    def retry_refusal(self) -> str | None:
        """Why Run cannot start a new run of this run's request now, or None when it can:
        per the audit trail a failed or interrupted run is retried as a new run of the same
        request; a complete, aborted or blocked request takes no more runs."""
        return retry_refusal(self.request_info, self.run_id, self.status)

    def retry(self) -> RunControl:
        """A new run of this run's request, recorded as one more run of it (a retry after a
        failed or interrupted run), not started; RequestError saying why when the request
        takes none (see :meth:`retry_refusal`)."""
        if (reason := self.retry_refusal()) is not None:
            raise RequestError(reason)
        return self._again()

    def _again(self) -> RunControl:
        raise RequestError(f"run {self.run_id} cannot be run again from here: {_AGAIN}")

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


_AGAIN = "run the cell again for a new request"


def retry_refusal(request: dict[str, Any] | None, run_id: int | None, status: str) -> str | None:
    """See :meth:`RunControl.retry_refusal`; ``request`` as ``approvals.describe`` gives it.

    >>> retry_refusal({"request": 3, "status": "executing"}, 5, "failed") is None
    True
    >>> retry_refusal({"request": 3, "status": "complete"}, 5, "completed")
    'request 3 is complete (run 5 completed): run the cell again for a new request'
    """
    if status in ("idle", "pending", "running", "paused"):
        return f"run {run_id} is {status}" if status != "idle" else "the run is not prepared yet"
    if request is None:
        return f"run {run_id} {status} and has no request to run again: {_AGAIN}"
    number, state = request.get("request"), request.get("status")
    if state == "executing" and status in ("failed", "interrupted"):
        return None
    if state == "blocked":
        return (f"request {number} is blocked: fix the failures, or approve it "
                f"(praxis-lab approve {number} --reason TEXT) and {_AGAIN}")
    done = {"complete": "is complete", "aborted": "was aborted"}.get(str(state), f"is {state}")
    return f"request {number} {done} (run {run_id} {status}): {_AGAIN}"


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None
