"""Run history, run requests, their audit trail and notes as pandas DataFrames; charts.

The only module of praxis_lab that imports pandas when imported (``store/artifacts.py``
imports it inside ``artifacts()``; plotly is imported inside the chart functions). A run's
totals (calls, tips used, volume moved) are aggregated in SQL when it ends and stored on
it; runs still going are aggregated at query time, so :func:`history` stays fast on a
store with millions of call rows.

>>> from praxis_lab.store import frames
>>> frames.history("sqlite://").columns.tolist()   # an empty store
['id', 'protocol', 'status', 'backend', 'mode', 'started', 'ended', 'duration_s', \
'calls', 'tips_used', 'volume_ul', 'error']
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from praxis_lab.store import db as store
from praxis_lab.store.audit import RequestError
from praxis_lab.store.calllog import estimate_runtime
from praxis_lab.store.db import StoreError
from praxis_lab.store.lifecycle import recover

__all__ = [
    "audit_trail",
    "calls",
    "durations_figure",
    "estimate_runtime",
    "history",
    "history_command",
    "requests",
    "search",
    "timeline_figure",
]

HISTORY_COLUMNS = ["id", "protocol", "status", "backend", "mode", "started", "ended",
                   "duration_s", "calls", "tips_used", "volume_ul", "error"]
CALL_COLUMNS = ["seq", "receiver", "method", "arguments", "result", "started", "ended",
                "duration_ms", "error", "tips", "volume_ul"]
DB = Engine | str | None
REQUEST_COLUMNS = ["request_id", "status", "type", "target", "issued_by", "protocol",
                   "parameters", "setup", "created", "updated", "approved", "approved_by",
                   "human_override", "reason", "run_id", "run_status", "run_started",
                   "run_ended", "run_error"]
TRAIL_COLUMNS = ["at", "step", "request_id", "run_id", "seq", "name", "outcome", "by",
                 "detail"]
_T = SQLModel.metadata.tables
_RUNS: Any = _T["protocol_run"].c
_CALLS: Any = _T["function_call_log"].c
_REQS: Any = _T["run_request"].c
_DEFS: Any = _T["function_protocol_definition"].c
_APPROVALS: Any = _T["approval_result"].c
_POLICY: Any = _T["policy_result"].c
_NOTES: Any = _T["run_note"].c


@contextlib.contextmanager
def _opened(db: DB) -> Iterator[Engine]:
    """The store ``db`` for one public call (see ``db.opened``), runs of dead processes
    marked interrupted first so they read as such."""
    with store.opened(db) as engine:
        with contextlib.suppress(StoreError):
            recover(engine)
        yield engine


def _read(engine: Engine, query: Any) -> list[Any]:
    try:
        with engine.connect() as conn:
            return list(conn.execute(query).all())
    except SQLAlchemyError as exc:
        raise StoreError(f"run store {store.display_url(engine)}: cannot read it: "
                         f"{str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}") from exc


def _limit(limit: int | None, what: str, least: int = 0) -> int | None:
    """``limit`` checked: None (no limit) or a whole number ≥ ``least``."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < least:
        raise RequestError(f"{what}: the limit must be a whole number ≥ {least}, not {limit!r}")
    return limit


def _times(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for col in cols:
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


def history(db: DB = None, limit: int | None = None) -> pd.DataFrame:
    """One row per run, newest first: status, timing and what it used.

    ``calls`` is the number of logged PLR calls, ``tips_used`` the tips picked up,
    ``volume_ul`` the liquid aspirated; ``error`` is ``"Code: message"`` or None.
    """
    r = _RUNS
    runs = select(r.id, r.protocol, r.status, r.backend, r.mode, r.started_at, r.ended_at,
                  r.duration_s, r.error_code, r.error_message, r.calls, r.tips_used,
                  r.volume_ul).order_by(r.id.desc())
    if _limit(limit, "history") is not None:
        runs = runs.limit(limit)
    top = runs.subquery()
    c = _CALLS  # runs still going (or from before totals were stored): aggregate now
    live = select(top.c.id).where(top.c.calls.is_(None))
    totals = (select(c.run_id, func.count().label("calls"), func.sum(c.tips).label("tips"),
                     func.sum(c.volume_ul).label("volume"))
              .where(c.run_id.in_(live)).group_by(c.run_id).subquery())
    query = (select(top, func.coalesce(top.c.calls, totals.c.calls, 0),
                    func.coalesce(top.c.tips_used, totals.c.tips, 0),
                    func.coalesce(top.c.volume_ul, totals.c.volume, 0.0))
             .outerjoin(totals, totals.c.run_id == top.c.id).order_by(top.c.id.desc()))
    with _opened(db) as engine:
        found = _read(engine, query)
    rows = [(*row[:8], int(row[13]), int(row[14]), float(row[15]),
             f"{row[8]}: {row[9]}" if row[8] else None) for row in found]
    df = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    df["duration_s"] = df["duration_s"].astype("float64")  # NaN for runs that never ran
    return _times(df, "started", "ended")


def calls(run_id: int, db: DB = None) -> pd.DataFrame:
    """Every logged PLR call of run ``run_id``, in order; ``receiver`` names the machine
    called (None for calls logged before the store named them: the liquid handler's)."""
    c = _CALLS
    with _opened(db) as engine:
        if not _read(engine, select(_RUNS.id).where(_RUNS.id == run_id)):
            raise LookupError(f"run {run_id} is not in the run store "
                              f"{store.display_url(engine)}: praxis_lab.history() lists the runs")
        rows = _read(engine, select(c.seq, c.receiver, c.method, c.arguments, c.result,
                                    c.started_at, c.ended_at, c.duration_ms, c.error, c.tips,
                                    c.volume_ul)
                     .where(c.run_id == run_id).order_by(c.seq))
    return _times(pd.DataFrame([tuple(r) for r in rows], columns=CALL_COLUMNS),
                  "started", "ended")


def _approvals_by_request(engine: Engine, ids: list[int]) -> dict[int, Any]:
    a = _APPROVALS
    latest: dict[int, Any] = {}
    for row in _read(engine, select(a.request_id, a.approved, a.approved_by, a.human_override,
                                    a.reason).where(a.request_id.in_(ids)).order_by(a.id)):
        latest[row[0]] = row
    return latest


def _runs_by_request(engine: Engine, ids: list[int]) -> dict[int, list[Any]]:
    r = _RUNS
    runs: dict[int, list[Any]] = {}
    for run in _read(engine, select(r.request_id, r.id, r.status, r.started_at, r.ended_at,
                                    r.error_code, r.error_message)
                     .where(r.request_id.in_(ids)).order_by(r.id)):
        runs.setdefault(run[0], []).append(run)
    return runs


def requests(db: DB = None, status: str | None = None, limit: int | None = None
             ) -> pd.DataFrame:
    """Run requests, newest first, each joined with its runs (one row per run; a request
    without runs has one row with empty run columns) and its latest approval."""
    from praxis_lab.store.status import RequestStatus

    if status is not None and status not in [s.value for s in RequestStatus]:
        raise RequestError(f"requests(status={status!r}): a request status is one of "
                         f"{', '.join(s.value for s in RequestStatus)}")
    q = _REQS
    query = select(q.id, q.status, q.type, q.target, q.issued_by, q.payload, q.created_at,
                   q.updated_at).order_by(q.id.desc())
    if status is not None:
        query = query.where(q.status == status)
    if _limit(limit, "requests") is not None:
        query = query.limit(limit)
    with _opened(db) as engine:
        reqs = _read(engine, query)
        ids = [r[0] for r in reqs]
        names = dict(_read(engine, select(_DEFS.id, _DEFS.name).where(_DEFS.id.in_(
            {(r[5] or {}).get("definition_id") for r in reqs}))))
        approvals = _approvals_by_request(engine, ids)
        runs = _runs_by_request(engine, ids)
    rows = []
    for req in reqs:
        payload = req[5] or {}
        a = approvals.get(req[0])
        head = (req[0], req[1], req[2], req[3], req[4], names.get(payload.get("definition_id")),
                payload.get("parameters"), payload.get("setup"), req[6], req[7],
                *(a[1:] if a is not None else (None, None, None, None)))
        for run in runs.get(req[0]) or [None]:
            tail = (None,) * 5 if run is None else (
                run[1], run[2], run[3], run[4], f"{run[5]}: {run[6]}" if run[5] else None)
            rows.append(head + tail)
    df = pd.DataFrame(rows, columns=REQUEST_COLUMNS)
    df["run_id"] = df["run_id"].astype("Int64")
    return _times(df, "created", "updated", "run_started", "run_ended")


def search(text: str, db: DB = None, limit: int = 50) -> pd.DataFrame:
    """Notes whose text has every word of ``text`` (in any form), best match first."""
    from praxis_lab.store.notes import NOTE_COLUMNS, find

    df = pd.DataFrame(find(text, db, limit), columns=NOTE_COLUMNS)
    for col in ("run_id", "request_id"):
        df[col] = df[col].astype("Int64")
    return _times(df, "created")


_STEP_ORDER = {"request": 0, "policy": 1, "approval": 2, "run": 3, "call": 4, "note": 5}


def audit_trail(run_id: int | None = None, db: DB = None, *,
                request_id: int | None = None) -> pd.DataFrame:
    """Everything on record about a run's request, in time order, as one DataFrame.

    One row per step: the ``request`` (who asked, target, payload), each ``policy`` rule
    evaluated, each ``approval`` decision, every ``run`` of the request, every ``call``
    of those runs, and every ``note``. Give a run id, or ``request_id=``.
    """
    if run_id is None and request_id is None:
        raise TypeError("audit_trail() needs a run id or request_id=")
    with _opened(db) as engine:
        if run_id is not None:
            found = _read(engine, select(_RUNS.request_id).where(_RUNS.id == run_id))
            if not found:
                raise LookupError(f"run {run_id} is not in the run store "
                                  f"{store.display_url(engine)}: praxis_lab.history() "
                                  "lists the runs")
            request_id = found[0][0] if request_id is None else request_id
        rows, run_ids = _trail_head(engine, run_id, request_id)
        rows += _trail_steps(engine, run_id, request_id, run_ids)
    df = _times(pd.DataFrame(rows, columns=TRAIL_COLUMNS), "at")
    df["_order"] = df["step"].map(_STEP_ORDER)
    df = df.sort_values(["at", "_order"], kind="stable").drop(columns="_order")
    for col in ("request_id", "run_id", "seq"):
        df[col] = df[col].astype("Int64")
    return df.reset_index(drop=True)


def _trail_head(engine: Engine, run_id: int | None, request_id: int | None
                ) -> tuple[list[tuple[Any, ...]], list[int | None]]:
    """The request's row of the trail and the ids of its runs (a run from before
    requests existed: no row, and that run alone)."""
    if request_id is None:
        return [], [run_id]
    reqs = _read(engine, select(_REQS.id, _REQS.created_at, _REQS.type, _REQS.target,
                                _REQS.status, _REQS.issued_by, _REQS.payload)
                 .where(_REQS.id == request_id))
    if not reqs:
        raise LookupError(f"request {request_id} is not in the run store: "
                          "praxis_lab.requests() lists them")
    q = reqs[0]
    row = (q[1], "request", q[0], None, None, f"{q[2]} on {q[3]}", q[4], q[5],
           json.dumps(q[6], sort_keys=True))
    run_ids = [i for (i,) in _read(engine, select(_RUNS.id).where(_RUNS.request_id == request_id))]
    return [row], run_ids


def _trail_steps(engine: Engine, run_id: int | None, request_id: int | None,
                 run_ids: list[int | None]) -> list[tuple[Any, ...]]:
    """Policy rules, approvals, runs, calls and notes of the trail, unsorted."""
    p, a, r, c, n = _POLICY, _APPROVALS, _RUNS, _CALLS, _NOTES
    by_request = request_id is not None
    rows: list[tuple[Any, ...]] = [
        (t, "policy", request_id, rid, None, rule, d, "policy", why) for t, rid, rule, d, why
        in _read(engine, select(p.evaluated_at, p.run_id, p.rule, p.decision, p.reason).where(
            p.request_id == request_id if by_request else p.run_id == run_id).order_by(p.id))]
    rows += [(t, "approval", request_id, rid, None,
              "human override" if human else "policy", "approved" if ok else "blocked", by,
              why or "; ".join(blocks or []))
             for t, rid, ok, by, human, why, blocks in _read(engine, select(
                 a.decided_at, a.run_id, a.approved, a.approved_by, a.human_override, a.reason,
                 a.policy_blocks).where(a.request_id == request_id if by_request
                                        else a.run_id == run_id).order_by(a.id))]
    rows += [(t, "run", request_id, rid, None, proto, st, by,
              f"{code}: {msg}" if code else f"{n_calls or 0} calls on {backend}")
             for t, rid, proto, st, by, code, msg, n_calls, backend in _read(engine, select(
                 r.created_at, r.id, r.protocol, r.status, r.issued_by, r.error_code,
                 r.error_message, r.calls, r.backend).where(r.id.in_(run_ids)).order_by(r.id))]
    rows += [(t, "call", request_id, rid, seq, f"{who}.{method}" if who else method,
              "error" if err else "ok", None, err or json.dumps(args, sort_keys=True))
             for t, rid, seq, who, method, err, args in _read(engine, select(
                 c.started_at, c.run_id, c.seq, c.receiver, c.method, c.error, c.arguments)
                 .where(c.run_id.in_(run_ids)).order_by(c.run_id, c.seq))]
    mine = n.run_id.in_(run_ids) | (n.request_id == request_id) if by_request else (
        n.run_id.in_(run_ids))
    rows += [(t, "note", rq, rid, None, "note", None, who, body) for t, rq, rid, who, body
             in _read(engine, select(n.created_at, n.request_id, n.run_id, n.author, n.text)
                      .where(mine).order_by(n.id))]
    return rows


def durations_figure(df: pd.DataFrame) -> Any:
    """A plotly chart of run durations over time (one colour per status)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    done = df.dropna(subset=["started"])
    for status, part in done.groupby("status", sort=True):
        fig.add_trace(go.Scatter(
            x=part["started"], y=part["duration_s"], mode="markers", name=str(status),
            customdata=part[["id", "protocol"]].to_numpy(),
            hovertemplate="run %{customdata[0]} %{customdata[1]}<br>%{y:.2f} s<extra></extra>"))
    fig.update_layout(title="Run durations", xaxis_title="started",
                      yaxis_title="duration (s)", legend_title="status")
    return fig


def timeline_figure(calls_df: pd.DataFrame) -> Any:
    """A plotly Gantt chart of one run's calls: one bar per call, in ms since the first."""
    import plotly.graph_objects as go

    fig = go.Figure()
    if not calls_df.empty:
        t0 = calls_df["started"].min()
        offset = (calls_df["started"] - t0).dt.total_seconds() * 1000.0
        for method, part in calls_df.assign(offset=offset).groupby("method", sort=False):
            fig.add_trace(go.Bar(
                x=part["duration_ms"], base=part["offset"], y=part["method"], orientation="h",
                name=str(method), customdata=part[["seq", "error"]].to_numpy(),
                hovertemplate="#%{customdata[0]} %{y}: %{x:.1f} ms<br>%{customdata[1]}"
                              "<extra></extra>"))
    fig.update_layout(title="Call timeline", xaxis_title="ms since the first call",
                      yaxis_title="method", barmode="overlay", showlegend=False)
    return fig


def history_command(args: Any) -> int:
    """``praxis-lab history [--limit N] [--json] [--db URL]``: 0, or 2 on a store error or
    a bad limit (one line)."""
    try:
        df = history(getattr(args, "db", None), limit=getattr(args, "limit", 20))
    except (StoreError, RequestError) as exc:
        print(f"praxis-lab history: {exc}", file=sys.stderr)
        return 2
    print_frame(df, args, "no runs yet: `praxis-lab run FILE --setup NAME` records one",
                lambda df: df.assign(started=df["started"].dt.strftime(STAMP),
                                     duration_s=df["duration_s"].round(2),
                                     volume_ul=df["volume_ul"].round(1)).drop(columns=["ended"]))
    return 0


STAMP = "%Y-%m-%d %H:%M:%S"


def print_frame(df: pd.DataFrame, args: Any, empty: str,
                table: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """A command's rows on stdout: JSON records with ``--json``, else ``empty`` when there
    are none, else ``table(df)`` as a text table."""
    if getattr(args, "json", False):
        json.dump(json.loads(df.to_json(orient="records", date_format="iso")), sys.stdout)
        sys.stdout.write("\n")
    elif df.empty:
        print(empty)
    else:
        print(table(df).to_string(index=False))
