"""Run a protocol on a real PyLabRobot ``LiquidHandler``, logging every call to the store.

:class:`Runner` checks the store, loads the protocol and its setup, simulates it,
applies the policy gate (seed 004), then executes it as an asyncio task on the
setup's handler through a recording proxy: each awaited PLR call on ``lh`` becomes
one ``FunctionCallLog`` row, committed as the call completes (a crash loses at most
the call in flight). Subscribers receive seed 001 messages (see ``messages.py``).

>>> record = run("protocol.py", setup="make_deck")          # doctest: +SKIP
>>> record.status, record.calls                              # doctest: +SKIP
('completed', 48)
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from praxis_lab import db, messages
from praxis_lab.db import ProtocolRun
from praxis_lab.lifecycle import create_run, recover, set_status
from praxis_lab.policy import Policy, PolicyDecision, evaluate, is_simulator

__all__ = ["PolicyBlocked", "RunRecord", "Runner", "run", "run_async", "run_command", "start"]

_log = logging.getLogger("praxis_lab.runner")
Subscriber = Callable[[dict[str, Any]], object]


class PolicyBlocked(RuntimeError):
    """``start()`` was refused by the policy gate; the run is stored as ``refused``."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        reasons = "; ".join(record.decision.reasons) if record.decision else ""
        super().__init__(f"run {record.run_id} of {record.protocol} refused: {reasons}")


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

    @property
    def ok(self) -> bool:
        return self.status == "completed"


_TRACKING_LOCK = threading.Lock()
_TRACKING_USERS: list[tuple[bool, bool]] = []  # one entry per run in progress


@contextlib.contextmanager
def _tracking() -> Iterator[None]:
    """PLR's tip and volume trackers on while any run goes on, then restored."""
    from praxis_lab import _plr

    res = _plr.plr_resources
    with _TRACKING_LOCK:
        _TRACKING_USERS.append((res.does_tip_tracking(), res.does_volume_tracking()))
        res.set_tip_tracking(True)
        res.set_volume_tracking(True)
    try:
        yield
    finally:
        with _TRACKING_LOCK:
            before = _TRACKING_USERS.pop()
            if not _TRACKING_USERS:
                res.set_tip_tracking(before[0])
                res.set_volume_tracking(before[1])


_IS_ASYNC: dict[tuple[type, str], bool] = {}


class _Recorder:
    """The ``lh`` a protocol sees: awaited methods are logged, the rest passes through."""

    __slots__ = ("_runner", "_target")

    def __init__(self, target: Any, runner: Runner) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_runner", runner)

    @property  # type: ignore[misc]  # isinstance(lh, LiquidHandler) keeps working
    def __class__(self) -> type:  # type: ignore[override]
        return type(self._target)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        key = (type(self._target), name)
        is_async = _IS_ASYNC.get(key)
        if is_async is None:
            is_async = _IS_ASYNC[key] = inspect.iscoroutinefunction(attr)
        if not is_async:
            return attr
        runner = self._runner

        async def recorded(*args: Any, **kwargs: Any) -> Any:
            return await runner._record(name, attr, args, kwargs)

        return recorded

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __repr__(self) -> str:
        return repr(self._target)

    def __dir__(self) -> list[str]:
        return dir(self._target)


class Runner:
    """One protocol run: prepare (store, load, simulate, gate), then execute as a task.

    ``pause()`` holds the run before its next PLR call, ``resume()`` lets it go on,
    ``abort()`` cancels it (status ``canceled``). ``subscribe(fn)`` registers a callback
    for the run's messages; a callback that raises is logged and ignored.
    """

    def __init__(self, protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
                 db: Engine | str | None = None, override: str | None = None,
                 policy: Policy | None = None, *, report: Any = None,
                 name: str | None = None) -> None:
        self.protocol, self.setup, self.params = protocol, setup, dict(params or {})
        self.db, self.override, self.policy = db, override, policy or Policy()
        self.report, self.name = report, name
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
        self._seq = 0
        self._t0 = 0.0

    # --- subscribers and controls ------------------------------------------------------
    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn(message)`` for every message of this run; returns an unsubscribe.

        A subscriber joining a prepared run first gets its current status.
        """
        self._subscribers.append(fn)
        if self.run_id is not None:
            with contextlib.suppress(Exception):
                fn(messages.status(self.run_id, self.status))
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

    # --- phase 1: store, protocol, simulation, policy ---------------------------------------
    def prepare(self) -> None:
        """Check the store, load the protocol and setup, simulate, gate. Idempotent."""
        if self._prepared:
            return
        from praxis_lab.analyse import ProtocolError, load, resolve_setup

        self.engine = db.connect(self.db)
        db.check_writable(self.engine)
        recover(self.engine)
        loaded = load(self.protocol, self.name)
        objects = resolve_setup(loaded, self.setup) if self.setup is not None else {}
        handler_type = _handler_type()
        self.handlers = [k for k, v in objects.items() if isinstance(v, handler_type)]
        name, names = loaded.info.name, [p.name for p in loaded.info.params]
        if not self.handlers:
            raise ProtocolError(f"the setup of {name} gives no LiquidHandler: return "
                                "{'lh': LiquidHandler(backend=..., deck=...), ...} from it")
        unknown = sorted(set(self.params) - set(names))
        missing = [p.name for p in loaded.info.params
                   if not p.has_default and p.name not in objects and p.name not in self.params]
        if unknown or missing:
            raise ProtocolError(
                f"{name} has no parameter {', '.join(unknown)} (parameters: {', '.join(names)})"
                if unknown else f"nothing binds {', '.join(missing)} of {name}: return "
                f"{'it' if len(missing) == 1 else 'them'} from the setup or pass params=")
        self.func, self.objects, self.info = loaded.func, objects, loaded.info
        backend = objects[self.handlers[0]].backend
        self.backend = type(backend).__name__
        simulator = is_simulator([c.__name__ for c in type(backend).__mro__], self.policy)
        self.mode = "mock" if simulator else "real"
        report = self._simulation(loaded)
        self.report_dict = report.to_dict() if hasattr(report, "to_dict") else report
        self.expected = getattr(report, "expected_ops", None) or (
            self.report_dict.get("expected_ops") if self.report_dict else None)
        self.decision = evaluate(self.policy, self.report_dict, self.backend, self.override,
                                 simulator=simulator)
        setup = self.setup if isinstance(self.setup, str) else getattr(self.setup, "__name__", None)
        self.run_id = create_run(
            self.engine, self.info, decision=self.decision, backend=self.backend, mode=self.mode,
            params=self.params, setup=setup, expected_ops=self.expected,
            simulation=self.report_dict)
        self._prepared = True
        self.status = "pending"
        self._emit(messages.status(self.run_id, "pending"))
        if not self.decision.allowed:
            self._finish("refused", ("PolicyBlock", "; ".join(self.decision.reasons)))

    def _simulation(self, loaded: Any) -> Any:
        if self.report is not None:
            return self.report
        try:
            from praxis_lab.simulate import simulate
        except ImportError:
            return None
        return simulate(self.protocol, setup=self.setup, params=self.params or None,
                        name=loaded.info.name)

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
        while self.record is None or self.status not in _FINAL:
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
            kwargs[key] = _Recorder(self.objects[key], self)
        self._calls = messages.CallLog(self.engine)
        set_up: list[Any] = []
        try:
            self._set_status("running")
            self._t0 = time.perf_counter()
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
        self.record = RunRecord(
            run_id=self.run_id, protocol=stored.protocol, status=status, mode=self.mode,
            backend=self.backend, calls=self._seq, expected_ops=self.expected,
            duration_s=stored.duration_s, error_code=stored.error_code,
            error_message=stored.error_message, decision=self.decision)
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
        self._seq += 1
        seq, started, t0 = self._seq, datetime.now(UTC), time.perf_counter()
        error: str | None = None
        result: Any = None
        try:
            result = await fn(*args, **kwargs)
            return result
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            duration_ms = (time.perf_counter() - t0) * 1000.0
            arguments = messages.call_arguments(fn, method, args, kwargs)
            tips, volume = messages.consumption(method, arguments)
            row = {"run_id": self.run_id, "seq": seq, "method": method,
                   "arguments": arguments, "result": messages.to_json(result),
                   "started_at": started, "ended_at": datetime.now(UTC),
                   "duration_ms": duration_ms, "error": error, "tips": tips,
                   "volume_ul": volume}
            self._calls.append(row)
            self._emit(messages.log(self.run_id, seq, method, arguments, duration_ms, error))
            elapsed = time.perf_counter() - self._t0
            eta = (elapsed / seq * max(self.expected - seq, 0)) if self.expected else None
            self._emit(messages.progress(self.run_id, seq, self.expected, eta))


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


_FINAL = frozenset({"completed", "failed", "canceled", "interrupted", "refused"})


def _handler_type() -> type:
    from praxis_lab import _plr

    return _plr.PLR["LiquidHandler"]  # type: ignore[no-any-return]


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


def _parse_params(items: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--param {item!r}: write it as NAME=VALUE, e.g. --param volume=50")
        try:
            out[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            out[key] = raw
    return out


def run_command(args: Any) -> int:
    """``praxis-lab run FILE --setup NAME [--param k=v] [--override REASON] [--db URL]``.

    Exit 0 when the run completed, 1 when it failed, was refused or canceled, 2 on a
    usage or store error (one line on stderr).
    """
    from praxis_lab.analyse import ProtocolError

    try:
        params = _parse_params(getattr(args, "param", None))
        record = run(args.file, setup=args.setup, params=params, db=getattr(args, "db", None),
                     override=getattr(args, "override", None),
                     name=getattr(args, "protocol", None))
    except ProtocolError as exc:
        print(f"praxis-lab run: {exc.short}", file=sys.stderr)
        return 2
    except (db.StoreError, ValueError) as exc:
        print(f"praxis-lab run: {exc}", file=sys.stderr)
        return 2
    line = (f"run {record.run_id} {record.protocol} {record.status}: {record.calls} calls"
            + (f" in {record.duration_s:.2f} s" if record.duration_s is not None else "")
            + f" ({record.mode}, {record.backend})")
    print(line)
    if record.status == "refused" and record.decision is not None:
        for reason in record.decision.reasons:
            print(f"blocked: {reason}", file=sys.stderr)
    elif record.error_code:
        print(f"{record.error_code}: {record.error_message}", file=sys.stderr)
    return 0 if record.ok else 1
