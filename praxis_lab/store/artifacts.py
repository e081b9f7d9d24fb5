"""A run's artifacts: each plate reading, stored as the run goes and committed when it ends.

A plate reader's ``read_absorbance``, ``read_fluorescence`` or ``read_luminescence`` in a
run becomes one ``Artifact`` row (:class:`ArtifactLog`, written right after the call is
logged): its kind, the call that made it (``seq``, the reader), the plate read, and the
measurements PLR returned (every grid, in either of PLR's return types). The row is
*pending* (``committed_at`` NULL) until the run ends: ending the run commits its
artifacts in the same transaction (``lifecycle.set_status``). :func:`artifacts` reads a
run's committed readings back as a DataFrame, one row per well read; :func:`plate_heatmap`
draws one reading as a plotly heatmap of the plate.

>>> readings("read_absorbance", {"wavelength": 450}, [[0.1, None], [0.2, 0.3]])
[{'wavelength': 450, 'data': [[0.1, None], [0.2, 0.3]]}]
>>> readings("aspirate", {}, None) is None
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from praxis_lab.store.calllog import to_json
from praxis_lab.store.db import Artifact, ProtocolRun, display_url, opened, write

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ARTIFACT_COLUMNS", "READINGS", "ArtifactLog", "artifacts", "plate_heatmap",
           "readings"]

# PLR's plate reader methods and the kind of artifact each makes
READINGS = {"read_absorbance": "absorbance", "read_fluorescence": "fluorescence",
            "read_luminescence": "luminescence"}
# what a reading's conditions are called in PLR's arguments and results
_CONDITIONS = ("wavelength", "ex_wavelength", "em_wavelength", "focal_height")
_ARGUMENTS = {"excitation_wavelength": "ex_wavelength", "emission_wavelength": "em_wavelength"}
ARTIFACT_COLUMNS = ["artifact_id", "seq", "receiver", "plate", "kind", "measurement",
                    *_CONDITIONS, "time", "temperature", "well", "row", "column", "value"]
_TABLE: Any = Artifact.__table__  # type: ignore[attr-defined]
_RUNS: Any = ProtocolRun.__table__  # type: ignore[attr-defined]


def readings(method: str, arguments: Mapping[str, Any], result: Any
             ) -> list[dict[str, Any]] | None:
    """The measurements of a plate reading as JSON (None: ``method`` reads nothing).

    PLR returns a list of measurements (``use_new_return_type=True``) or the first one's
    grid alone; either way each measurement here has its grid under ``data`` and the
    conditions it was read at (from the call's arguments when PLR's result omits them).
    """
    if method not in READINGS or not isinstance(result, list):
        return None
    given = {_ARGUMENTS.get(k, k): v for k, v in arguments.items()
             if _ARGUMENTS.get(k, k) in _CONDITIONS}
    if result and all(isinstance(m, Mapping) for m in result):
        return [{**given, **to_json(dict(m))} for m in result]
    return [{**given, "data": to_json(result)}]


class ArtifactLog:
    """Writes a run's readings as pending ``Artifact`` rows, one transaction each."""

    def __init__(self, engine: Engine, run_id: int | None) -> None:
        self.engine, self.run_id = engine, run_id

    def append(self, seq: int, receiver: str, method: str, plate: str | None,
               measurements: list[dict[str, Any]]) -> None:
        values = {"uri": f"praxis://run/{self.run_id}/call/{seq}", "kind": READINGS[method],
                  "run_id": self.run_id, "seq": seq, "receiver": receiver, "method": method,
                  "plate": plate, "data": measurements, "created_at": datetime.now(UTC),
                  "committed_at": None}
        write(self.engine, lambda s: s.connection().execute(insert(_TABLE).values(values)),
              doing=f"store the reading of call {seq} ({receiver}.{method})")


def _number(value: Any) -> float | None:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    return None


def _rows(artifact: Any) -> list[tuple[Any, ...]]:
    out = []
    for index, m in enumerate(artifact["data"] or []):
        grid = m.get("data") or []
        stamp = _number(m.get("time"))
        when = datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
        conditions = [_number(m.get(c)) for c in _CONDITIONS]
        for r, row in enumerate(grid):
            for c, value in enumerate(row or []):
                if _number(value) is None:
                    continue  # a well not read
                out.append((artifact["id"], artifact["seq"], artifact["receiver"],
                            artifact["plate"], artifact["kind"], index, *conditions, when,
                            _number(m.get("temperature")), f"{_row_name(r)}{c + 1}", r + 1,
                            c + 1, float(value)))
    return out


def _row_name(r: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[r] if r < 26 else letters[r // 26 - 1] + letters[r % 26]


def artifacts(run_id: int, db: Engine | str | None = None) -> pd.DataFrame:
    """The plate readings of run ``run_id``, one row per well read, in call order.

    Columns: ``artifact_id``, ``seq`` (the call that read), ``receiver`` (the reader),
    ``plate``, ``kind`` (absorbance, fluorescence, luminescence), ``measurement`` (its
    index in PLR's result), ``wavelength``, ``ex_wavelength``, ``em_wavelength``,
    ``focal_height``, ``time``, ``temperature`` (NaN when the reader gives none), ``well``
    (``A1``), ``row``, ``column`` (from 1) and ``value``. Only readings of a run that ended
    (its artifacts are committed with its end); LookupError for an unknown run.
    """
    import pandas as pd

    with opened(db) as engine, engine.connect() as conn:
        if conn.execute(select(_RUNS.c.id).where(_RUNS.c.id == run_id)).first() is None:
            raise LookupError(f"run {run_id} is not in the run store {display_url(engine)}: "
                              "praxis_lab.history() lists the runs")
        found = conn.execute(select(_TABLE).where(
            _TABLE.c.run_id == run_id, _TABLE.c.committed_at.is_not(None))
            .order_by(_TABLE.c.seq, _TABLE.c.id)).mappings().all()
    rows = [row for artifact in found for row in _rows(artifact)]
    df = pd.DataFrame(rows, columns=ARTIFACT_COLUMNS)
    df["time"] = pd.to_datetime(df["time"], utc=True)
    return df.astype({"artifact_id": int, "seq": int, "measurement": int, "row": int,
                      "column": int, "value": float, "temperature": float,
                      **dict.fromkeys(_CONDITIONS, float)})


def plate_heatmap(readings_df: pd.DataFrame, seq: int | None = None,
                  measurement: int = 0) -> Any:
    """A plotly heatmap of one reading of :func:`artifacts`: the plate's rows and columns
    as PLR numbers them, each well coloured by its value (the last reading unless ``seq``
    names the call; ``measurement`` picks one of its measurements)."""
    import plotly.graph_objects as go

    if readings_df.empty:
        raise ValueError("no reading to draw: the run has no committed plate reading "
                         "(praxis_lab.artifacts(run_id) lists them)")
    seq = int(readings_df["seq"].max()) if seq is None else seq
    one = readings_df[(readings_df["seq"] == seq)
                      & (readings_df["measurement"] == measurement)]
    if one.empty:
        raise ValueError(f"no reading at call {seq} (measurement {measurement}): the "
                         f"readings are at calls {sorted(set(readings_df['seq']))}")
    grid = one.pivot_table(index="row", columns="column", values="value", aggfunc="first")
    first = one.iloc[0]
    at = ", ".join(f"{c.replace('_', ' ')} {first[c]:g}" for c in _CONDITIONS
                   if _number(first[c]) is not None)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[str(c) for c in grid.columns],
        y=[_row_name(int(r) - 1) for r in grid.index], colorscale="Viridis",
        hovertemplate="%{y}%{x}: %{z:.4g}<extra></extra>", colorbar={"title": first["kind"]}))
    fig.update_layout(
        title=f"{first['plate']}: {first['kind']}" + (f" ({at})" if at else "")
        + f" — {first['receiver']}, call {seq}",
        yaxis={"autorange": "reversed", "title": "row"}, xaxis={"title": "column", "side": "top"})
    return fig
