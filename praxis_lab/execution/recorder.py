"""The recording proxy a protocol sees as ``lh``, its call log, and PLR's trackers.

:class:`Recorder` wraps a real PLR ``LiquidHandler``: awaited methods go through the
runner (which may hold them while paused) to :class:`CallRecorder`, which makes each
call one ``FunctionCallLog`` row, committed as the call ends, and a ``log`` and a
``progress`` message (a plate reading also one pending ``Artifact`` row, see
``store/artifacts.py``); everything else passes through untouched, and
``isinstance(lh, LiquidHandler)`` keeps working. :func:`tracking` turns PLR's tip and
volume trackers on while any run goes on and restores them after the last.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.engine import Engine

from praxis_lab.execution import messages
from praxis_lab.store import artifacts, calllog

__all__ = ["CallRecorder", "Recorder", "tracking"]

_TRACKING_LOCK = threading.Lock()
_TRACKING_USERS: list[tuple[bool, bool]] = []  # one entry per run in progress


@contextlib.contextmanager
def tracking() -> Iterator[None]:
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


class _Sink(Protocol):
    async def _record(self, method: str, fn: Any, args: tuple[Any, ...],
                      kwargs: dict[str, Any], receiver: str = "lh") -> Any: ...


_IS_ASYNC: dict[tuple[type, str], bool] = {}


class Recorder:
    """The ``lh`` a protocol sees: awaited methods are logged, the rest passes through."""

    __slots__ = ("_name", "_sink", "_target")

    def __init__(self, target: Any, sink: _Sink, name: str = "lh") -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_sink", sink)
        object.__setattr__(self, "_name", name)  # the call log's receiver

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
        sink, receiver = self._sink, self._name

        async def recorded(*args: Any, **kwargs: Any) -> Any:
            return await sink._record(name, attr, args, kwargs, receiver)

        return recorded

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __repr__(self) -> str:
        return repr(self._target)

    def __dir__(self) -> list[str]:
        return dir(self._target)


class CallRecorder:
    """One run's calls: a durable ``FunctionCallLog`` row each, then log and progress messages.

    A call that raised is logged with its error and counts no tips and no volume. Logging
    never raises into the protocol: when a row cannot be written (the store went away,
    an argument that cannot be described), the first such error is kept in ``failure``
    and the runner stops the run.
    """

    def __init__(self, engine: Engine, run_id: int | None, expected: int | None,
                 emit: Callable[[dict[str, Any]], None]) -> None:
        self.run_id, self.expected, self.emit = run_id, expected, emit
        self.seq = 0
        self.t0 = time.perf_counter()
        self.failure: BaseException | None = None
        self._log = calllog.CallLog(engine)
        self._artifacts = artifacts.ArtifactLog(engine, run_id)

    async def record(self, method: str, fn: Any, args: tuple[Any, ...],
                     kwargs: dict[str, Any], receiver: str = "lh") -> Any:
        self.seq += 1
        seq, started, t0 = self.seq, datetime.now(UTC), time.perf_counter()
        error: str | None = None
        result: Any = None
        try:
            result = await fn(*args, **kwargs)
            return result
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            try:
                self._logged(seq, (receiver, method), fn, args, kwargs, result, started, t0,
                             error)
            except Exception as exc:
                if self.failure is None:
                    self.failure = exc

    def _logged(self, seq: int, call: tuple[str, str], fn: Any, args: tuple[Any, ...],
                kwargs: dict[str, Any], result: Any, started: datetime, t0: float,
                error: str | None) -> None:
        receiver, method = call
        duration_ms = (time.perf_counter() - t0) * 1000.0
        arguments = calllog.call_arguments(fn, method, args, kwargs)
        # a call that raised moved nothing we can count on
        tips, volume = calllog.consumption(method, arguments) if error is None else (0, 0.0)
        self._log.append({"run_id": self.run_id, "seq": seq, "receiver": receiver,
                          "method": method,
                          "arguments": arguments, "result": calllog.to_json(result),
                          "started_at": started, "ended_at": datetime.now(UTC),
                          "duration_ms": duration_ms, "error": error, "tips": tips,
                          "volume_ul": volume})
        self.emit(messages.log(self.run_id, seq, method, arguments, duration_ms, error,
                               receiver))
        measured = artifacts.readings(method, arguments, result) if error is None else None
        if measured is not None:  # a plate reading: the run's artifact, pending until it ends
            self._artifacts.append(seq, receiver, method, _plate(fn), measured)
        elapsed = time.perf_counter() - self.t0
        eta = (elapsed / seq * max(self.expected - seq, 0)) if self.expected else None
        self.emit(messages.progress(self.run_id, seq, self.expected, eta))

    def close(self) -> None:
        self._log.close()


def _plate(fn: Any) -> str | None:
    """The name of the plate in the reader a reading was made by (None: cannot tell)."""
    try:
        return str(fn.__self__.get_plate().name)
    except Exception:  # a reader without get_plate, or no plate any more
        return None
