"""RunMonitor: Run / Pause / Abort, progress with time left, live call log, final status."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import anywidget
import traitlets

from ._base import BundledESM, plain, reject_unknown

__all__ = ["MAX_LOG_ROWS", "RunController", "RunMonitor"]

MAX_LOG_ROWS = 200
_ACTIONS = {"run": "start", "pause": "pause", "resume": "resume", "abort": "abort"}
_TERMINAL = {"completed", "failed", "canceled", "interrupted", "refused"}


class RunController(Protocol):
    """What RunMonitor drives (``praxis_lab.execution.runner`` provides one).

    ``start``/``pause``/``resume``/``abort`` may return an awaitable (it is scheduled
    on the running event loop). ``subscribe(fn)`` registers ``fn(event)`` for the run's
    events; ``fn`` may be called from any thread or from the event loop. A controller
    that can run again after its run ended also has ``retry_refusal()`` (why not, or
    None) and ``retry()`` (a new controller, not started: the runner's is a new run of
    the same request).
    """

    def start(self) -> Any: ...
    def pause(self) -> Any: ...
    def resume(self) -> Any: ...
    def abort(self) -> Any: ...
    def subscribe(self, fn: Callable[[dict[str, Any]], None]) -> Any: ...


class RunMonitor(anywidget.AnyWidget):  # type: ignore[misc]
    """Live view of a protocol run with Run / Pause (Resume) / Abort buttons.

    Buttons call the controller; its events update the traits: ``status``, ``run_id``,
    ``mode``, ``done``/``expected``/``eta_s`` (progress), ``log_rows`` (last 200 calls),
    ``error`` (a failed controller call or an error response) and ``request`` (request
    id, status, approval). Once the run ended, Run starts a retry when the controller
    offers one (``run_label`` "Retry": a new run of the same request, which the monitor
    follows), else it is disabled with the reason in ``run_blocked``. Events may arrive
    from another thread: they are queued and applied on the widget's event loop, at most
    every ``flush_interval`` seconds for progress and log events (status and response
    events are applied at once).

    Event shapes: ``{"type": "status", "run_id", "status"}``, ``{"type": "progress",
    "run_id", "done", "expected", "eta_s"}``, ``{"type": "log", "run_id", "seq",
    "method", "arguments", "duration_ms", "error"}``, ``{"type": "response",
    "control": {"run_id", "mode", "status", "error"}}``, ``{"type": "request",
    "request": {...} | None}``.

    Example:
        >>> from praxis_lab.widgets import RunMonitor
        >>> class Demo:
        ...     def __init__(self): self.listeners = []
        ...     def subscribe(self, fn): self.listeners.append(fn)
        ...     def emit(self, **event):
        ...         for fn in self.listeners: fn(event)
        ...     def start(self):
        ...         self.emit(type="status", run_id="r1", status="running")
        ...         self.emit(type="progress", run_id="r1", done=1, expected=1, eta_s=0)
        ...         self.emit(type="status", run_id="r1", status="completed")
        ...     def pause(self): ...
        ...     def resume(self): ...
        ...     def abort(self): ...
        >>> monitor = RunMonitor(Demo())
        >>> monitor.act("run")
        >>> monitor.status, monitor.done, monitor.expected
        ('completed', 1, 1)
    """

    _esm = BundledESM("run_monitor")

    status = traitlets.Unicode("idle").tag(sync=True)
    run_id = traitlets.Unicode("").tag(sync=True)
    mode = traitlets.Unicode("").tag(sync=True)
    done = traitlets.Int(0).tag(sync=True)
    expected = traitlets.Int(0).tag(sync=True)
    eta_s = traitlets.Float(None, allow_none=True).tag(sync=True)
    log_rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    request = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    run_label = traitlets.Unicode("Run").tag(sync=True)
    run_blocked = traitlets.Unicode("").tag(sync=True)  # why Run does nothing now

    flush_interval = 0.05

    def __init__(self, controller: RunController, **kwargs: Any) -> None:
        reject_unknown("RunMonitor", kwargs, ("controller",))
        missing = [
            name
            for name in ("start", "pause", "resume", "abort", "subscribe")
            if not callable(getattr(controller, name, None))
        ]
        if missing:
            raise TypeError(
                f"RunMonitor(controller=...) needs methods start, pause, resume, abort and "
                f"subscribe; {type(controller).__name__} lacks {', '.join(missing)}"
            )
        super().__init__()
        self.controller = controller
        self.last_exception: BaseException | None = None
        self._thread = threading.get_ident()
        self._loop = _running_loop()
        self._lock = threading.Lock()
        self._queue: deque[Mapping[str, Any]] = deque()
        self._flush_handle: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self.on_msg(self._on_custom_msg)
        self._unsubscribe = controller.subscribe(self.on_event)

    # Buttons → controller -------------------------------------------------------
    def _on_custom_msg(self, _widget: object, content: Any, _buffers: object) -> None:
        if isinstance(content, dict) and content.get("type") in _ACTIONS:
            self.act(content["type"])

    def act(self, action: str) -> None:
        """Do what a button does: ``"run"``, ``"pause"``, ``"resume"`` or ``"abort"``."""
        if action not in _ACTIONS:
            raise ValueError(f"unknown action {action!r}; use one of {', '.join(_ACTIONS)}")
        name = _ACTIONS[action]
        self.error = ""
        if action == "run" and self.finished:
            self._retry()
            return
        try:
            result = getattr(self.controller, name)()
        except Exception as exc:
            self._fail(name, exc)
            return
        if inspect.isawaitable(result):
            self._schedule(name, result)

    def _retry(self) -> None:
        """Run after the run ended: follow a new run of the same request, or say why not."""
        if self.run_blocked:
            self.error = f"Run: {self.run_blocked}"
            return
        try:
            controller: RunController = getattr(self.controller, "retry")()  # optional method
        except Exception as exc:
            self._fail("retry", exc)
            return
        if callable(self._unsubscribe):
            self._unsubscribe()
        self.controller = controller
        self._unsubscribe = controller.subscribe(self.on_event)
        try:
            result = controller.start()
        except Exception as exc:
            self._fail("start", exc)
            return
        if inspect.isawaitable(result):
            self._schedule("start", result)

    def _run_button(self) -> None:
        """Run's label and why it is off: once the run ended, a retry if the controller
        offers one, else the reason."""
        label, blocked = "Run", ""
        if self.finished:
            refusal = getattr(self.controller, "retry_refusal", None)
            if callable(refusal) and callable(getattr(self.controller, "retry", None)):
                blocked = refusal() or ""
                label = "Retry" if not blocked else "Run"
            else:
                blocked = f"the run {self.status}; this controller starts no other run"
        self.run_label, self.run_blocked = label, blocked

    def _schedule(self, name: str, awaitable: Any) -> None:
        loop = _running_loop() or self._loop
        if loop is None or not loop.is_running():
            if inspect.iscoroutine(awaitable):
                awaitable.close()
            self._fail(name, RuntimeError(f"controller.{name}() is async but no event loop runs"))
            return
        future = asyncio.ensure_future(awaitable, loop=loop)
        self._tasks.add(future)

        def finished(fut: asyncio.Future[Any]) -> None:
            self._tasks.discard(fut)
            if not fut.cancelled() and fut.exception() is not None:
                self._fail(name, fut.exception())  # type: ignore[arg-type]

        future.add_done_callback(finished)

    def _fail(self, name: str, exc: BaseException) -> None:
        self.last_exception = exc
        self.error = f"{name} failed: {type(exc).__name__}: {exc}"

    # Controller events → traits -------------------------------------------------
    def on_event(self, event: Mapping[str, Any]) -> None:
        """Receive one run event (thread-safe); the controller calls this."""
        urgent = event.get("type") in ("status", "response", "request")
        with self._lock:
            self._queue.append(event)
        loop = self._loop
        if threading.get_ident() != self._thread and loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._request_flush, urgent)
        else:
            self._request_flush(urgent)

    def _request_flush(self, urgent: bool) -> None:
        loop = _running_loop()
        if urgent or loop is None:
            self.flush()
        elif self._flush_handle is None:
            self._flush_handle = loop.call_later(self.flush_interval, self.flush)

    def flush(self) -> None:
        """Apply the queued events to the traits now (one sync message)."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        with self._lock:
            events = list(self._queue)
            self._queue.clear()
        if not events:
            return
        with self.hold_sync():
            rows = list(self.log_rows)
            for event in events:
                rows = self._apply(event, rows)
            if rows != self.log_rows:
                self.log_rows = rows[-MAX_LOG_ROWS:]
            self._run_button()

    def _apply(self, event: Mapping[str, Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kind = event.get("type")
        run_id = event.get("run_id")
        if kind == "response":
            run_id = (event.get("control") or {}).get("run_id")
        if run_id is not None and str(run_id) != self.run_id and kind != "request":
            self.run_id = str(run_id)
            self.done, self.expected, self.eta_s, self.error = 0, 0, None, ""
            rows = []
        if kind == "status":
            self.status = str(event.get("status") or "idle")
            if self.status == "completed" and self.expected:
                self.done, self.eta_s = self.expected, 0.0
        elif kind == "progress":
            self.done = int(event.get("done") or 0)
            self.expected = int(event.get("expected") or 0)
            eta = event.get("eta_s")
            self.eta_s = float(eta) if isinstance(eta, int | float) else None
        elif kind == "log":
            row = {k: event.get(k) for k in ("seq", "receiver", "method", "arguments",
                                             "duration_ms", "error")}
            rows = [*rows[-(MAX_LOG_ROWS - 1) :], _jsonable_row(row)]
        elif kind == "response":
            control = event.get("control") or {}
            self.mode = str(control.get("mode") or self.mode)
            err = control.get("error")
            if control.get("status") == "error" and err:
                self.error = f"{err.get('code', 'error')}: {err.get('message', '')}"
        elif kind == "request":
            request = event.get("request")
            self.request = dict(request) if isinstance(request, Mapping) else None  # type: ignore[assignment]
        return rows

    @property
    def finished(self) -> bool:
        """True once the run reached a final status."""
        return self.status in _TERMINAL

    def __repr__(self) -> str:
        run = f" {self.run_id}" if self.run_id else ""
        return f"RunMonitor(run{run}: {self.status}, {self.done}/{self.expected} ops)"


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _jsonable_row(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("error") is not None and not isinstance(row["error"], str):
        row["error"] = str(row["error"])
    try:
        data: Any = plain(row, "log event")
    except ValueError:
        data = {**row, "arguments": str(row.get("arguments"))}
    return data if isinstance(data, dict) else row
