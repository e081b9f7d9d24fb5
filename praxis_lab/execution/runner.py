"""Run a protocol on a real PyLabRobot ``LiquidHandler``, logging every call to the store.

:class:`Runner` prepares a run (``preflight.py``: checks the store, builds the setup
once, simulates on its objects, files a run request, seed 004, created, proposed, gated
by the policy, approved automatically when the policy allows, by a human override
otherwise), then executes it as an asyncio task on the setup's
handler through a recording proxy (``recorder.py``), every other machine of the setup
(plate reader, heater shaker...) set up before and stopped after, its operations routed
to the same log (``routing.py``): each awaited PLR call becomes one ``FunctionCallLog``
row naming its machine, committed as the call completes (a crash loses at most the call
in flight). ``request=ID`` runs an existing request again: a retry after
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
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine

from praxis_lab.execution import approvals, messages
from praxis_lab.execution.policy import Policy
from praxis_lab.execution.preflight import preflight
from praxis_lab.execution.prepared import PreparedRun
from praxis_lab.execution.record import PolicyBlocked, RunRecord, error_parts
from praxis_lab.execution.recorder import CallRecorder, Recorder
from praxis_lab.execution.recorder import tracking as _tracking
from praxis_lab.execution.routing import logging_calls
from praxis_lab.protocol.loading import call, raised_by
from praxis_lab.store import audit, db
from praxis_lab.store.db import ProtocolRun
from praxis_lab.store.lifecycle import set_status

__all__ = ["PolicyBlocked", "RunRecord", "Runner", "run", "run_async", "start"]

_log = logging.getLogger(__name__)


class Runner(PreparedRun):
    """One protocol run: prepare (store, load, simulate, gate), then execute as a task.

    ``pause()`` holds the run before its next PLR call, ``resume()`` lets it go on,
    ``abort()`` cancels it (status ``canceled``). ``subscribe(fn)`` registers a callback
    for the run's messages; a callback that raises is logged and ignored.

    ``request`` runs an existing request (its frozen parameters when ``params`` is not
    given); ``user`` is who issues the request and the run (default ``PRAXIS_LAB_USER``
    or the OS user). ``request_info`` is the request as the run monitor shows it.

    Whatever the protocol raises (``SystemExit``, ``GeneratorExit`` and any other
    BaseException too), the run ends with a final status and its error recorded, and
    :meth:`wait` returns; a run on a real device that outlives its policy's time limit
    is stopped and ends ``failed`` with ``TimeLimitExceeded``.
    """

    def __init__(self, protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
                 db: Engine | str | None = None, override: str | None = None,
                 policy: Policy | None = None, *, report: Any = None,
                 name: str | None = None, request: int | None = None,
                 user: str | None = None) -> None:
        super().__init__(params, report, request)
        self.protocol: Any = protocol
        self.setup: Any = setup
        self.db: Engine | str | None = db
        self.override: str | None = override
        self.policy: Policy = policy or Policy()
        self.name: str | None = name
        self.user: str | None = user
        self._calls: CallRecorder | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._ended = threading.Event()

    # --- phase 1: store, protocol, simulation, request and its gate ------------------------
    def prepare(self) -> None:
        """Check the store, load the protocol and setup, simulate, file and gate the
        request, store the run (see ``preflight.py``). Idempotent."""
        if self._preflight is not None:
            return
        self._preflight = p = preflight(
            self.protocol, self.setup, self._params, db_=self.db, override=self.override,
            policy=self.policy, report=self._report, name=self.name,
            request_id=self._request, user=self.user)
        self.status = "pending"
        self._emit(messages.status(self.run_id, "pending"))
        self._refresh_request()
        if p.request.status == "blocked":
            reasons = "; ".join(p.decision.reasons) or (self.request_info or {}).get(
                "approval", "the request is blocked")
            self._finish("refused", ("PolicyBlock", reasons))
            self._ended.set()

    def _refresh_request(self) -> None:
        if self.request_id is None:
            return
        try:
            info = approvals.describe(self.request_id, db=self.engine)
        except (db.StoreError, audit.RequestError):
            _log.warning("run %s: cannot read request %s", self.run_id, self.request_id,
                         exc_info=True)
            return
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
            threading.Thread(target=asyncio.run, args=(self._serve(ready),),
                             name=f"praxis-run-{self.run_id}", daemon=True).start()
            ready.wait()
            return
        self.loop = loop
        self.task = loop.create_task(self.execute())

    async def _serve(self, ready: threading.Event) -> None:
        self.loop = asyncio.get_running_loop()
        self.task = asyncio.current_task()  # type: ignore[assignment]
        ready.set()
        try:
            await self.execute()
        except BaseException:  # a background thread has no caller: the record says it all
            _log.debug("run %s ended by an exception", self.run_id, exc_info=True)

    def _again(self) -> Runner:  # the retry: same protocol, setup and request
        return Runner(self.protocol, self.setup, self._params, self.db, self.override, self.policy,
                      report=self.report, name=self.name, request=self.request_id, user=self.user)

    def wait(self, timeout: float | None = None) -> RunRecord | None:
        """Block (from another thread than the run's loop) until the run ended and its
        handlers were stopped; the record, or None when ``timeout`` seconds passed first
        (or the run could not start: ``execute()`` raised before it was stored)."""
        return self.record if self._ended.wait(timeout) else None

    async def execute(self) -> RunRecord:
        """Prepare if needed, then run the protocol to its end and return the record."""
        try:
            return await self._execute()
        finally:
            self._ended.set()  # the run ended (or never could): wait() returns

    async def _execute(self) -> RunRecord:
        self.prepare()
        if self.record is not None:
            return self.record
        self.loop = asyncio.get_running_loop()
        if self.task is None:
            self.task = asyncio.current_task()  # type: ignore[assignment]
        self._gate = asyncio.Event()
        if not self._paused:
            self._gate.set()
        if self._stopping is not None:
            status, (code, _) = self._stopping
            return self._finish(status, (code, "aborted before it started"))
        return await self._drive()

    async def _drive(self) -> RunRecord:
        """Set up the handlers and machines, run the protocol, end with a final status
        whatever it raises; every machine set up is stopped after."""
        p = self.prepared
        kwargs = {**p.objects, **p.params}
        for key in p.handlers:
            kwargs[key] = Recorder(p.objects[key], self, key)
        self._calls = CallRecorder(p.engine, p.run_id, p.expected, self._emit)
        set_up: list[Any] = []
        try:
            self._set_status("running")
            self._calls.t0 = time.perf_counter()
            self._arm_time_limit()
            with _tracking():
                for machine in [*(p.objects[k] for k in p.handlers), *p.machines.values()]:
                    if not machine.setup_finished:
                        set_up.append(machine)  # stopped after, even when setup() fails
                        await machine.setup()
                with logging_calls(self, p.machines):
                    await call(p.func, kwargs)
            return self._finish(*(self._stopping or ("completed", None)))
        except asyncio.CancelledError:
            return self._canceled()
        except KeyboardInterrupt as exc:
            code = p.func.__code__
            if raised_by(exc, {code.co_filename}, code):  # the protocol's own raise
                return self._finish(*(self._stopping or ("failed", exc)))
            self._finish("canceled", ("KeyboardInterrupt", "interrupted by the user"))
            raise
        except BaseException as exc:  # SystemExit, GeneratorExit, anything the protocol raises
            return self._finish(*(self._stopping or ("failed", exc)))
        finally:
            await self._wind_down(set_up)

    def _canceled(self) -> RunRecord:
        """The task was canceled: by our own stop (abort, time limit: the caller's task
        goes on), or from outside (asyncio.run's Ctrl-C: re-raised)."""
        record = self._finish(*(self._stopping or ("canceled", ("Canceled",
                                                                "aborted by the user"))))
        if self._stopping is None:
            raise asyncio.CancelledError()
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            task.uncancel()
        return record

    async def _wind_down(self, set_up: list[Any]) -> None:
        """After the run: the time limit off, the handlers and machines it set up stopped
        (the last set up first), the call log closed, the store released when the run
        opened it."""
        if self._timer is not None:
            self._timer.cancel()
        try:
            for machine in reversed(set_up):
                with contextlib.suppress(Exception):
                    await machine.stop()
        finally:
            if self._calls is not None:
                self._calls.close()
            self.prepared.release()

    def _arm_time_limit(self) -> None:
        limit = self.prepared.decision.time_limit_s
        if limit is None or self.loop is None:
            return
        why = next((r.reason for r in self.prepared.decision.rules if r.rule == "time_limit"),
                   f"time limit {limit:g} s")
        self._timer = self.loop.call_later(limit, self._stop, ("failed", (
            "TimeLimitExceeded", f"the run went past its {why} and was stopped: nothing "
            "more reached the device (a protocol that needs longer: Policy(time_limit_s=...))")))

    def _set_status(self, status: str, error: Any = None) -> ProtocolRun:
        assert self.run_id is not None
        stored = set_status(self.engine, self.run_id, status, error=error)
        self.status = status
        self._emit(messages.status(self.run_id, status))
        return stored

    def _finish(self, status: str, error: Any = None) -> RunRecord:
        """End the run with ``status`` (once: later calls return the record). Even when the
        store cannot record it, the run ends here, with that said in its error message."""
        if self.record is not None:
            return self.record
        try:
            stored = self._set_status(status, error)
            code, message = stored.error_code, stored.error_message
            duration, protocol = stored.duration_s, stored.protocol
        except BaseException as exc:  # the store is gone, or the row was moved meanwhile
            _log.error("run %s: cannot store its end (%s)", self.run_id, status, exc_info=True)
            self.status = status
            code, message = error_parts(error)
            message = (f"{message}; " if message else "") + (
                f"the run store did not record that the run {status}: {type(exc).__name__}: {exc}")
            code = code or type(exc).__name__
            duration, protocol = None, self.prepared.info.name
        self._refresh_request()
        self.record = RunRecord(
            run_id=self.prepared.run_id, protocol=protocol, status=status, mode=self.mode,
            backend=self.prepared.backend, calls=self._calls.seq if self._calls else 0,
            expected_ops=self.expected, duration_s=duration, error_code=code,
            error_message=message, decision=self.decision, request_id=self.request_id,
            request_status=(self.request_info or {}).get("status"))
        failed = code is not None and status != "completed"
        self._emit(messages.response(self.run_id, self.mode, "error" if failed else "success",
                                     (code or "", message or "") if failed else None))
        return self.record

    async def _record(self, method: str, fn: Any, args: tuple[Any, ...],
                      kwargs: dict[str, Any], receiver: str = "lh") -> Any:
        if self._gate is not None and not self._gate.is_set():
            await self._gate.wait()
        if self._stopping is not None:  # nothing more reaches the device once stopped
            raise asyncio.CancelledError()
        assert self._calls is not None
        try:
            return await self._calls.record(method, fn, args, kwargs, receiver)
        finally:
            failure = self._calls.failure
            if failure is not None and self._stopping is None:  # a call we could not log
                self._stop(("failed", (type(failure).__name__, f"call {self._calls.seq} "
                                       f"({method}) could not be logged: {failure}")))


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
