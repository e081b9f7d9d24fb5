"""Run a protocol on a real PyLabRobot ``LiquidHandler``, logging every call to the store.

:class:`Runner` prepares a run (``preflight.py``: checks the store, builds the setup
once, simulates on its objects, files a run request, seed 004, created, proposed, gated
by the policy, approved automatically when the policy allows, by a human override
otherwise), then executes it as an asyncio task on the setup's
handler through a recording proxy (``recorder.py``): each awaited PLR call on ``lh``
becomes one ``FunctionCallLog`` row, committed as the call completes (a crash loses at
most the call in flight). ``request=ID`` runs an existing request again: a retry after
a failure is a new run of the same request. Subscribers receive seed 001 messages.

>>> record = run("protocol.py", setup="make_deck")          # doctest: +SKIP
>>> record.status, record.calls                              # doctest: +SKIP
('completed', 48)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from praxis_lab.execution import approvals, messages
from praxis_lab.execution.policy import Policy, PolicyDecision
from praxis_lab.execution.preflight import preflight
from praxis_lab.execution.recorder import CallRecorder, Recorder
from praxis_lab.execution.recorder import tracking as _tracking
from praxis_lab.store import audit, db
from praxis_lab.store.db import ProtocolRun
from praxis_lab.store.lifecycle import TERMINAL, set_status

__all__ = ["PolicyBlocked", "RunRecord", "Runner", "run", "run_async", "start"]

_log = logging.getLogger(__name__)
Subscriber = Callable[[dict[str, Any]], object]


class PolicyBlocked(RuntimeError):
    """``start()`` was refused: the run's request is blocked; the run is stored ``refused``."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        super().__init__(f"run {record.run_id} of {record.protocol} refused: "
                         f"{record.error_message}; {_approve_hint(record)}")


def _approve_hint(record: RunRecord) -> str:
    return (f"request {record.request_id} is blocked: fix the protocol, or approve it with "
            f"`praxis-lab approve {record.request_id} --reason TEXT` (or override=) and run it "
            "again with request=")


@dataclass
class RunRecord:
    """The outcome of one run, as stored."""

    run_id: int
    protocol: str
    status: str
    mode: str
    backend: str
    calls: int = 0
    expected_ops: int | None = None
    duration_s: float | None = None
    error_code: str | None = None
    error_message: str | None = None
    decision: PolicyDecision | None = None
    request_id: int | None = None
    request_status: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "completed"


class Runner:
    """One protocol run: prepare (store, load, simulate, gate), then execute as a task.

    ``pause()`` holds the run before its next PLR call, ``resume()`` lets it go on,
    ``abort()`` cancels it (status ``canceled``). ``subscribe(fn)`` registers a callback
    for the run's messages; a callback that raises is logged and ignored.

    ``request`` runs an existing request (its frozen parameters when ``params`` is not
    given); ``user`` is who issues the request and the run (default ``PRAXIS_LAB_USER``
    or the OS user). ``request_info`` is the request as the run monitor shows it.
    """

    def __init__(self, protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
                 db: Engine | str | None = None, override: str | None = None,
                 policy: Policy | None = None, *, report: Any = None,
                 name: str | None = None, request: int | None = None,
                 user: str | None = None) -> None:
        self.protocol, self.setup, self.params = protocol, setup, dict(params or {})
        self.db, self.override, self.policy = db, override, policy or Policy()
        self.report, self.name = report, name
        self.request_id, self.user = request, user
        self.request_info: dict[str, Any] | None = None
        self.run_id: int | None = None
        self.status = "idle"
        self.mode = "mock"
        self.record: RunRecord | None = None
        self.decision: PolicyDecision | None = None
        self.task: asyncio.Task[RunRecord] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: list[Subscriber] = []
        self._gate: asyncio.Event | None = None
        self._paused = False
        self._aborting = False
        self._prepared = False
        self._calls: CallRecorder | None = None

    # --- subscribers and controls ------------------------------------------------------
    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn(message)`` for every message of this run; returns an unsubscribe.

        A subscriber joining a prepared run first gets its current status.
        """
        self._subscribers.append(fn)
        if self.run_id is not None:
            with contextlib.suppress(Exception):
                fn(messages.status(self.run_id, self.status))
        if self.request_info is not None:
            with contextlib.suppress(Exception):
                fn(messages.request(self.request_info))
        return lambda: self._subscribers.remove(fn) if fn in self._subscribers else None

    def _emit(self, message: dict[str, Any]) -> None:
        for fn in list(self._subscribers):
            try:
                fn(message)
            except Exception:
                _log.exception("run %s: subscriber %r raised; the run goes on", self.run_id, fn)

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
        def do() -> None:
            self._aborting = True
            if self._gate is not None:
                self._gate.set()  # a paused run wakes up to stop
            task = self.task
            if task is not None and not task.done() and task is not _current_task():
                task.cancel()  # interrupts the call in flight
        self._in_loop(do)

    # --- phase 1: store, protocol, simulation, request and its gate ------------------------
    def prepare(self) -> None:
        """Check the store, load the protocol and setup, simulate, file and gate the
        request, store the run (see ``preflight.py``). Idempotent."""
        if self._prepared:
            return
        p = preflight(self.protocol, self.setup, self.params, db_=self.db,
                      override=self.override, policy=self.policy, report=self.report,
                      name=self.name, request_id=self.request_id, user=self.user)
        self.engine, self.func, self.objects, self.info = p.engine, p.func, p.objects, p.info
        self.handlers, self.params, self.backend, self.mode = (
            p.handlers, p.params, p.backend, p.mode)
        self.report, self.report_dict, self.expected = p.report, p.report_dict, p.expected
        self.decision, self.request_id, self.run_id = p.decision, p.request.id, p.run_id
        self._prepared = True
        self.status = "pending"
        self._emit(messages.status(self.run_id, "pending"))
        self._refresh_request()
        if p.request.status == "blocked":
            reasons = "; ".join(p.decision.reasons) or (self.request_info or {}).get(
                "approval", "the request is blocked")
            self._finish("refused", ("PolicyBlock", reasons))

    def _refresh_request(self) -> None:
        if self.request_id is None:
            return
        info = approvals.describe(self.request_id, db=self.engine)
        if info != self.request_info:
            self.request_info = info
            self._emit(messages.request(info))

    # --- phase 2: execute -------------------------------------------------------------------
    def start(self) -> None:
        """Run as a task on the running event loop (or a background thread without one).

        Does nothing when the run already started or ended (the task is ``self.task``).
        """
        if self.task is not None or self.record is not None:
            return
        self.prepare()
        if self.record is not None:  # refused
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            ready = threading.Event()

            def serve() -> None:
                asyncio.run(self._serve(ready))

            threading.Thread(target=serve, name=f"praxis-run-{self.run_id}", daemon=True).start()
            ready.wait()
            return
        self.loop = loop
        self.task = loop.create_task(self.execute())

    async def _serve(self, ready: threading.Event) -> None:
        self.loop = asyncio.get_running_loop()
        self.task = asyncio.current_task()  # type: ignore[assignment]
        ready.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self.execute()

    def wait(self, timeout: float | None = None) -> RunRecord | None:
        """Block (from another thread than the run's loop) until the run ends."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.record is None or self.status not in TERMINAL:
            if end is not None and time.monotonic() > end:
                return None
            time.sleep(0.01)
        return self.record

    async def execute(self) -> RunRecord:
        """Prepare if needed, then run the protocol to its end and return the record."""
        self.prepare()
        if self.record is not None:
            return self.record
        self.loop = asyncio.get_running_loop()
        if self.task is None:
            self.task = asyncio.current_task()  # type: ignore[assignment]
        self._gate = asyncio.Event()
        if not self._paused:
            self._gate.set()
        if self._aborting:
            return self._finish("canceled", ("Canceled", "aborted before it started"))
        lh_objects = [self.objects[k] for k in self.handlers]
        kwargs = {**self.objects, **self.params}
        for key in self.handlers:
            kwargs[key] = Recorder(self.objects[key], self)
        self._calls = CallRecorder(self.engine, self.run_id, self.expected, self._emit)
        set_up: list[Any] = []
        try:
            self._set_status("running")
            self._calls.t0 = time.perf_counter()
            with _tracking():
                for lh in lh_objects:
                    if not lh.setup_finished:
                        await lh.setup()
                        set_up.append(lh)
                await self.func(**kwargs)
            return self._finish("completed")
        except asyncio.CancelledError:
            record = self._finish("canceled", ("Canceled", "aborted by the user"))
            if not self._aborting:
                raise
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                task.uncancel()  # our own abort: the caller's task goes on
            return record
        except KeyboardInterrupt:
            self._finish("canceled", ("KeyboardInterrupt", "interrupted by the user"))
            raise
        except Exception as exc:
            return self._finish("failed", exc)
        finally:
            for lh in set_up:
                with contextlib.suppress(Exception):
                    await lh.stop()
            self._calls.close()

    def _set_status(self, status: str, error: Any = None) -> ProtocolRun:
        assert self.run_id is not None
        stored = set_status(self.engine, self.run_id, status, error=error)
        self.status = status
        self._emit(messages.status(self.run_id, status))
        return stored

    def _finish(self, status: str, error: Any = None) -> RunRecord:
        stored = self._set_status(status, error)
        assert self.run_id is not None
        with contextlib.suppress(db.StoreError, audit.RequestError):
            self._refresh_request()
        self.record = RunRecord(
            run_id=self.run_id, protocol=stored.protocol, status=status, mode=self.mode,
            backend=self.backend, calls=self._calls.seq if self._calls else 0,
            expected_ops=self.expected, duration_s=stored.duration_s,
            error_code=stored.error_code, error_message=stored.error_message,
            decision=self.decision, request_id=self.request_id,
            request_status=(self.request_info or {}).get("status"))
        failed = stored.error_code is not None and status != "completed"
        self._emit(messages.response(
            self.run_id, self.mode, "error" if failed else "success",
            (stored.error_code or "", stored.error_message or "") if failed else None))
        return self.record

    async def _record(self, method: str, fn: Any, args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> Any:
        if self._gate is not None and not self._gate.is_set():
            await self._gate.wait()
        if self._aborting:  # nothing more reaches the device once abort() was called
            raise asyncio.CancelledError()
        assert self._calls is not None
        return await self._calls.record(method, fn, args, kwargs)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None



def start(protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
          db: Engine | str | None = None, override: str | None = None,
          policy: Policy | None = None, **kw: Any) -> Runner:
    """Prepare and start a run as a task (not awaited): for notebooks and the monitor.

    Raises :class:`PolicyBlocked` (after storing the run as ``refused``) when the gate
    blocks, StoreError when the store is unusable, ProtocolError for protocol mistakes.
    """
    runner = Runner(protocol, setup, params, db, override, policy, **kw)
    runner.start()
    if runner.record is not None and runner.record.status == "refused":
        raise PolicyBlocked(runner.record)
    return runner


async def run_async(protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
                    db: Engine | str | None = None, override: str | None = None,
                    policy: Policy | None = None, **kw: Any) -> RunRecord:
    """Run to the end on the current event loop; returns the record (``refused`` too)."""
    return await Runner(protocol, setup, params, db, override, policy, **kw).execute()


def run(protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
        db: Engine | str | None = None, override: str | None = None,
        policy: Policy | None = None, **kw: Any) -> RunRecord:
    """Run to the end and return the record. Inside a running event loop (Jupyter) the
    run goes on a worker thread with its own loop; Ctrl-C aborts it (``canceled``)."""
    runner = Runner(protocol, setup, params, db, override, policy, **kw)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(runner.execute())
    runner.prepare()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["record"] = asyncio.run(runner.execute())
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=work, name="praxis-run", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        runner.abort()
        worker.join()
        raise
    if "error" in box:
        raise box["error"]
    return box["record"]  # type: ignore[no-any-return]
