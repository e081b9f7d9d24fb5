"""The call log: PLR call arguments as JSON with resource names, one durable row per call.

:func:`to_json` turns PLR call arguments into JSON with resource *names*
(``"source[A1]"`` for a well, ``"tips[H12]"`` for a tip spot) instead of reprs,
:class:`CallLog` makes each call a durable ``FunctionCallLog`` row as it happens, and
:func:`estimate_runtime` reads past calls back to tell how long a protocol should take.

>>> to_json([1.5, "x", None])
[1.5, 'x', None]
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import inspect
import math
import statistics
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from praxis_lab.store.db import FunctionCallLog, dumps, opened, retrying, writer

__all__ = ["CallLog", "call_arguments", "consumption", "estimate_runtime", "resource_name",
           "to_json"]


def resource_name(resource: Any) -> str:
    """``"plate[A1]"`` for an item of a plate or tip rack, else the resource's name."""
    parent = getattr(resource, "parent", None)
    if parent is None:
        return str(resource.name)
    ident = _identifier(parent, resource.name)
    if ident is None:
        identify = getattr(parent, "get_child_identifier", None)
        if identify is None:
            return str(resource.name)
        try:
            ident = identify(resource)
        except Exception:  # not an item of its parent's grid
            return str(resource.name)
    return f"{getattr(parent, 'name', '')}[{ident}]"


# PLR's get_child_identifier scans the parent's 96 items for every well; its reverse,
# built once per grid: id(ordering) -> (ordering, {item name: identifier}). The ordering
# is held, so its id is not reused while cached; every answer is checked against it.
_IDENTIFIERS: dict[int, tuple[Any, dict[str, str]]] = {}


def _identifier(parent: Any, name: str) -> str | None:
    ordering = getattr(parent, "_ordering", None)
    if not isinstance(ordering, dict):
        return None
    cached = _IDENTIFIERS.get(id(ordering))
    if cached is None or cached[0] is not ordering:
        if len(_IDENTIFIERS) >= 128:  # decks come and go: keep the cache small
            _IDENTIFIERS.clear()
        cached = _IDENTIFIERS[id(ordering)] = (ordering, {v: k for k, v in ordering.items()})
    ident = cached[1].get(name)
    if ident is None or ordering.get(ident) != name:  # not an item, or the grid changed
        return None
    return ident


def _kind(cls: type) -> str:
    if issubclass(cls, bool | int | str) or cls is type(None):
        return "plain"
    if issubclass(cls, float):
        return "float"
    if issubclass(cls, list | tuple | set | frozenset):
        return "list"
    if issubclass(cls, dict):
        return "dict"
    if issubclass(cls, enum.Enum):
        return "enum"
    if hasattr(cls, "get_absolute_location") and hasattr(cls, "get_size_x"):
        return "resource"
    if cls.__name__ == "Coordinate":
        return "coordinate"
    if dataclasses.is_dataclass(cls):
        return "dataclass"
    return "other"


_KINDS: dict[type, str] = {}


def to_json(value: Any) -> Any:
    """JSON-ready data for a PLR call argument or result (names, not reprs)."""
    cls = type(value)
    kind = _KINDS.get(cls) or _KINDS.setdefault(cls, _kind(cls))
    if kind == "plain":
        return value
    if kind == "list":
        return [to_json(v) for v in value]
    if kind == "resource":
        return resource_name(value)
    if kind == "float":
        return value if math.isfinite(value) else str(value)
    if kind == "dict":
        return {str(k): to_json(v) for k, v in value.items()}
    if kind == "enum":
        return to_json(value.value)
    if kind == "coordinate":
        return {"x": value.x, "y": value.y, "z": value.z}
    if kind == "dataclass":
        fields = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": cls.__name__, **fields}
    return {"type": cls.__name__, "repr": repr(value)[:200]}


_POSITIONAL: dict[tuple[type, str], tuple[str, ...] | None] = {}


def _positional(fn: Any, key: tuple[type, str]) -> tuple[str, ...] | None:
    """The names positional arguments of ``fn`` bind to (None: cannot tell)."""
    if key not in _POSITIONAL:
        try:
            params = inspect.signature(fn).parameters.values()
            _POSITIONAL[key] = tuple(p.name for p in params if p.kind in (
                p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
        except (TypeError, ValueError):
            _POSITIONAL[key] = None
    return _POSITIONAL[key]


def call_arguments(fn: Any, name: str, args: tuple[Any, ...],
                   kwargs: dict[str, Any]) -> dict[str, Any]:
    """A PLR call's arguments by parameter name, as JSON (what the caller passed, no defaults).

    Keywords PLR passes on to the backend (``**backend_kwargs``) appear by their own name.
    """
    names = _positional(fn, (type(getattr(fn, "__self__", None)), name))
    if names is not None and len(args) <= len(names):
        bound = dict(zip(names, args, strict=False))
    else:
        bound = {f"arg{i}": a for i, a in enumerate(args)}
    bound.update(kwargs)
    return {k: to_json(v) for k, v in bound.items()}


def consumption(method: str, arguments: Mapping[str, Any]) -> tuple[int, float]:
    """(tips picked up, µL aspirated) by one call, from its logged arguments."""
    if method == "pick_up_tips":
        spots = arguments.get("tip_spots")
        return (len(spots) if isinstance(spots, list) else 1), 0.0
    if method == "pick_up_tips96":
        return 96, 0.0
    if method == "aspirate":
        vols = arguments.get("vols") or []
        return 0, float(sum(v for v in vols if isinstance(v, int | float)))
    if method in ("aspirate96", "stamp"):  # PLR's stamp is one aspirate96 of ``volume``
        vol = arguments.get("volume")
        return 0, float(vol) * 96 if isinstance(vol, int | float) else 0.0
    if method == "transfer":  # one aspirate of source_vol, or of the sum of target_vols
        vol = arguments.get("source_vol")
        if isinstance(vol, int | float):
            return 0, float(vol)
        vols = arguments.get("target_vols") or []
        return 0, float(sum(v for v in vols if isinstance(v, int | float)))
    return 0, 0.0


class CallLog:
    """Appends ``FunctionCallLog`` rows, each committed on its own, through the driver.

    This is the runner's hot path (one row per PLR call): a prepared INSERT on a held
    raw DBAPI connection costs a fraction of an ORM flush, and each row is durable when
    :meth:`append` returns. On SQLite the INSERT runs in autocommit mode: one statement
    that takes the write lock (waiting out other writers with the busy timeout), writes
    and commits, like BEGIN IMMEDIATE; INSERT; COMMIT in a third of the driver calls.
    Lock errors are retried like :func:`write`.
    """

    COLUMNS = ("run_id", "seq", "receiver", "method", "arguments", "result", "started_at",
               "ended_at", "duration_ms", "error", "tips", "volume_ul")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._sqlite = engine.dialect.name == "sqlite"
        self._dbapi_error = engine.dialect.loaded_dbapi.Error
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._sql = (f"INSERT INTO function_call_log ({', '.join(self.COLUMNS)}) "
                     f"VALUES ({', '.join([mark] * len(self.COLUMNS))})")

    def _time(self, value: datetime) -> Any:
        naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        # SQLAlchemy's SQLite DateTime text, "%Y-%m-%d %H:%M:%S.%f" (isoformat is faster)
        return naive.isoformat(" ", "microseconds") if self._sqlite else naive

    def _dbapi(self) -> Any:
        if self._conn is None:
            self._conn = writer(self.engine)
            if self._sqlite:  # no WAL checkpoint (and its fsync) between two PLR calls;
                # other connections checkpoint as usual
                self._conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_autocheckpoint = 0")
        return self._conn.connection.dbapi_connection

    def append(self, row: dict[str, Any]) -> None:
        get, time_ = row.get, self._time
        values = (row["run_id"], row["seq"], get("receiver"), row["method"],
                  dumps(get("arguments")), dumps(get("result")), time_(row["started_at"]),
                  time_(row["ended_at"]), get("duration_ms"), get("error"), get("tips"),
                  get("volume_ul"))

        def attempt() -> None:
            raw = self._dbapi()
            try:
                if self._sqlite:  # autocommit driver: the statement is its own transaction
                    raw.execute(self._sql, values)
                else:
                    with raw.cursor() as cur:
                        cur.execute(self._sql, values)
                    raw.commit()
            except self._dbapi_error as exc:
                raise DBAPIError.instance(self._sql, values, exc, self._dbapi_error) from exc

        retrying(self.engine, attempt, doing=f"log call {row.get('seq')} ({row.get('method')})",
                 rollback=self._reset)

    def _reset(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        raw: Any = conn.connection.dbapi_connection
        try:
            if self._sqlite:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
            else:
                raw.rollback()
            self._conn = conn
        except Exception:
            conn.invalidate()
            conn.close()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                if self._sqlite:
                    self._conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                        "PRAGMA wal_autocheckpoint = 1000")
                self._conn.close()
            self._conn = None


# --- what past calls say about the next run ------------------------------------------


def _operations(graph_or_report: Any) -> list[Mapping[str, Any]]:
    data = graph_or_report.to_dict() if hasattr(graph_or_report, "to_dict") else graph_or_report
    if not isinstance(data, Mapping):
        raise TypeError(f"estimate_runtime needs a simulation report or its graph (a dict "
                        f"with 'operations'), not {type(graph_or_report).__name__}")
    graph = data.get("graph", data)
    return [op for op in graph.get("operations") or [] if isinstance(op, Mapping)]


def estimate_runtime(graph_or_report: Any, db: Engine | str | None = None,
                     recent: int = 1000) -> float | None:
    """Seconds the protocol's PLR calls should take, from past runs in the store.

    For each method in the graph: the median duration of its last ``recent`` successful
    calls × how many times the graph calls it; a method never run before counts the
    median over all methods. None when the store has no call history.
    """
    counts = Counter(str(op.get("method", op.get("method_name"))) for op in
                     _operations(graph_or_report))
    c: Any = FunctionCallLog.__table__.c  # type: ignore[attr-defined]
    ok = c.error.is_(None)
    with opened(db) as engine, engine.connect() as conn:
        def medians(*where: Any) -> list[float]:
            return [r[0] for r in conn.execute(select(c.duration_ms).where(ok, *where)
                                               .order_by(c.id.desc()).limit(recent))]

        overall = medians()
        if not overall:
            return None
        fallback = statistics.median(overall)
        total_ms = 0.0
        for method, n in counts.items():
            durations = medians(c.method == method)
            total_ms += n * (statistics.median(durations) if durations else fallback)
    return total_ms / 1000.0
