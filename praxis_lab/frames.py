"""Run history as pandas DataFrames, plotly charts and a run-time estimate.

The only module of praxis_lab that imports pandas (plotly is imported inside the chart
functions). A run's totals (calls, tips used, volume moved) are aggregated in SQL when
it ends and stored on it; runs still going are aggregated at query time, so
:func:`history` stays fast on a store with millions of call rows.

>>> from praxis_lab import frames
>>> frames.history("sqlite://").columns.tolist()   # an empty store
['id', 'protocol', 'status', 'backend', 'mode', 'started', 'ended', 'duration_s', \
'calls', 'tips_used', 'volume_ul', 'error']
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from praxis_lab import db as store
from praxis_lab.db import StoreError

__all__ = [
    "calls",
    "durations_figure",
    "estimate_runtime",
    "history",
    "history_command",
    "timeline_figure",
]

HISTORY_COLUMNS = ["id", "protocol", "status", "backend", "mode", "started", "ended",
                   "duration_s", "calls", "tips_used", "volume_ul", "error"]
CALL_COLUMNS = ["seq", "method", "arguments", "result", "started", "ended", "duration_ms",
                "error", "tips", "volume_ul"]
DB = Engine | str | None
_RUNS: Any = SQLModel.metadata.tables["protocol_run"].c
_CALLS: Any = SQLModel.metadata.tables["function_call_log"].c


def _read(db: DB, query: Any) -> list[Any]:
    engine = store.connect(db)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query).all())
    except SQLAlchemyError as exc:
        raise StoreError(f"run store {store.display_url(engine)}: cannot read it: "
                         f"{str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}") from exc


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
    if limit is not None:
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
    rows = [(*row[:8], int(row[13]), int(row[14]), float(row[15]),
             f"{row[8]}: {row[9]}" if row[8] else None) for row in _read(db, query)]
    df = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    return _times(df, "started", "ended")


def calls(run_id: int, db: DB = None) -> pd.DataFrame:
    """Every logged PLR call of run ``run_id``, in order."""
    found = _read(db, select(_RUNS.id).where(_RUNS.id == run_id))
    if not found:
        raise LookupError(f"run {run_id} is not in the run store "
                          f"{store.display_url(store.connect(db))}: praxis_lab.history() "
                          "lists the runs")
    c = _CALLS
    rows = _read(db, select(c.seq, c.method, c.arguments, c.result, c.started_at, c.ended_at,
                            c.duration_ms, c.error, c.tips, c.volume_ul)
                 .where(c.run_id == run_id).order_by(c.seq))
    return _times(pd.DataFrame([tuple(r) for r in rows], columns=CALL_COLUMNS),
                  "started", "ended")


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


def _operations(graph_or_report: Any) -> list[Mapping[str, Any]]:
    data = graph_or_report.to_dict() if hasattr(graph_or_report, "to_dict") else graph_or_report
    if not isinstance(data, Mapping):
        raise TypeError(f"estimate_runtime needs a simulation report or its graph (a dict "
                        f"with 'operations'), not {type(graph_or_report).__name__}")
    graph = data.get("graph", data)
    return [op for op in graph.get("operations") or [] if isinstance(op, Mapping)]


def estimate_runtime(graph_or_report: Any, db: DB = None, recent: int = 1000) -> float | None:
    """Seconds the protocol's PLR calls should take, from past runs in the store.

    For each method in the graph: the median duration of its last ``recent`` successful
    calls × how many times the graph calls it; a method never run before counts the
    median over all methods. None when the store has no call history.
    """
    counts = Counter(str(op.get("method", op.get("method_name"))) for op in
                     _operations(graph_or_report))
    c = _CALLS
    ok = c.error.is_(None)
    overall = [r[0] for r in _read(db, select(c.duration_ms).where(ok)
                                   .order_by(c.id.desc()).limit(recent))]
    if not overall:
        return None
    fallback = statistics.median(overall)
    total_ms = 0.0
    for method, n in counts.items():
        durations = [r[0] for r in _read(db, select(c.duration_ms).where(ok, c.method == method)
                                         .order_by(c.id.desc()).limit(recent))]
        total_ms += n * (statistics.median(durations) if durations else fallback)
    return total_ms / 1000.0


def history_command(args: Any) -> int:
    """``praxis-lab history [--limit N] [--json] [--db URL]``: 0, or 2 on a store error."""
    try:
        df = history(getattr(args, "db", None), limit=getattr(args, "limit", 20))
    except StoreError as exc:
        print(f"praxis-lab history: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "json", False):
        records = json.loads(df.to_json(orient="records", date_format="iso"))
        json.dump(records, sys.stdout)
        sys.stdout.write("\n")
    elif df.empty:
        print("no runs yet: `praxis-lab run FILE --setup NAME` records one")
    else:
        shown = df.assign(started=df["started"].dt.strftime("%Y-%m-%d %H:%M:%S"),
                          duration_s=df["duration_s"].round(2),
                          volume_ul=df["volume_ul"].round(1))
        print(shown.drop(columns=["ended"]).to_string(index=False))
    return 0
