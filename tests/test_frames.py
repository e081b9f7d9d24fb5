"""Run history as DataFrames, plotly figures, the run-time estimate and the history CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from praxis_lab.store import db, frames
from praxis_lab.store.db import FunctionCallLog, ProtocolRun, StoreError
from praxis_lab.store.lifecycle import set_status

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def _run(engine: Engine, protocol: str = "copy_plate",
         calls: list[tuple[str, float, int, float, str | None]] = (),  # type: ignore[assignment]
         final: str | None = "completed", error: Any = None) -> int:
    """Store a run with calls (method, duration_ms, tips, volume, error), then end it."""
    run = ProtocolRun(protocol=protocol, backend="LiquidHandlerChatterboxBackend")
    db.write(engine, lambda s: s.add(run))
    assert run.id is not None
    set_status(engine, run.id, "running")

    def add(s: Any) -> None:
        for seq, (method, ms, tips, volume, err) in enumerate(calls, start=1):
            start = T0 + timedelta(milliseconds=10 * seq)
            s.add(FunctionCallLog(run_id=run.id, seq=seq, method=method,  # type: ignore[arg-type]
                                  arguments={"resources": [f"src[A{seq}]"]}, started_at=start,
                                  ended_at=start + timedelta(milliseconds=ms), duration_ms=ms,
                                  error=err, tips=tips, volume_ul=volume))
    db.write(engine, add)
    if final is not None:
        set_status(engine, run.id, final, error=error)
    return run.id


COPY = [("pick_up_tips", 2.0, 8, 0.0, None), ("aspirate", 4.0, 0, 800.0, None),
        ("dispense", 3.0, 0, 0.0, None), ("drop_tips", 1.0, 0, 0.0, None)]


def test_history_has_one_row_per_run_newest_first_with_totals(store: Engine) -> None:
    first = _run(store, "first", COPY)
    second = _run(store, "second", COPY[:2], final="failed",
                  error=("TooLittleLiquidError", "Not enough liquid"))
    df = frames.history(store)
    assert df.columns.tolist() == frames.HISTORY_COLUMNS
    assert df["id"].tolist() == [second, first]
    assert df["protocol"].tolist() == ["second", "first"]
    assert df["calls"].tolist() == [2, 4] and df["tips_used"].tolist() == [8, 8]
    assert df["volume_ul"].tolist() == [800.0, 800.0]
    assert df["error"].iloc[0] == "TooLittleLiquidError: Not enough liquid"
    assert df["error"].isna().tolist() == [False, True]
    assert df["status"].tolist() == ["failed", "completed"]
    assert str(df["started"].dt.tz) == "UTC" and (df["duration_s"] >= 0).all()


def test_history_aggregates_a_run_still_going_from_its_calls(store: Engine) -> None:
    running = _run(store, "live", COPY[:3], final=None)
    row = frames.history(store).iloc[0]
    assert (row["id"], row["status"], row["calls"], row["tips_used"], row["volume_ul"]) == (
        running, "running", 3, 8, 800.0)
    assert pd.isna(row["ended"]) and pd.isna(row["duration_s"])


def test_history_limit_keeps_the_newest_runs(store: Engine) -> None:
    ids = [_run(store, f"p{i}", COPY[:1]) for i in range(5)]
    assert frames.history(store, limit=2)["id"].tolist() == ids[:-3:-1]


def test_history_of_an_empty_store_is_an_empty_frame_with_the_columns() -> None:
    df = frames.history("sqlite://")
    assert df.empty and df.columns.tolist() == frames.HISTORY_COLUMNS


def test_history_accepts_a_url_and_uses_the_same_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/h.db"
    run_id = _run(db.connect(url), "by_url", COPY)
    assert frames.history(url)["id"].tolist() == [run_id]


def test_calls_lists_a_runs_calls_in_order_with_their_json(store: Engine) -> None:
    run_id = _run(store, calls=COPY)
    _run(store, calls=COPY[:1])
    df = frames.calls(run_id, store)
    assert df.columns.tolist() == frames.CALL_COLUMNS
    assert df["method"].tolist() == ["pick_up_tips", "aspirate", "dispense", "drop_tips"]
    assert df["seq"].tolist() == [1, 2, 3, 4]
    assert df["arguments"].iloc[1] == {"resources": ["src[A2]"]}
    assert df["duration_ms"].tolist() == [2.0, 4.0, 3.0, 1.0]
    assert df["started"].iloc[0] == pd.Timestamp(T0 + timedelta(milliseconds=10))


def test_calls_of_an_unknown_run_names_the_run_and_how_to_find_one() -> None:
    with pytest.raises(LookupError, match=r"run 41 is not in the run store sqlite://: "
                                          r"praxis_lab.history\(\) lists the runs"):
        frames.calls(41, "sqlite://")


def test_durations_figure_plots_one_trace_per_status() -> None:
    engine = db.connect("sqlite://")
    _run(engine, calls=COPY)
    _run(engine, calls=COPY)
    _run(engine, calls=COPY[:1], final="failed", error=("E", "m"))
    fig = frames.durations_figure(frames.history(engine))
    assert [t.name for t in fig.data] == ["completed", "failed"]
    assert len(fig.data[0].x) == 2 and fig.layout.yaxis.title.text == "duration (s)"


def test_timeline_figure_draws_a_bar_per_call_from_the_first_call() -> None:
    engine = db.connect("sqlite://")
    df = frames.calls(_run(engine, calls=COPY + COPY[:1]), engine)
    fig = frames.timeline_figure(df)
    assert [t.name for t in fig.data] == ["pick_up_tips", "aspirate", "dispense", "drop_tips"]
    assert list(fig.data[0].base) == [0.0, 40.0] and list(fig.data[0].x) == [2.0, 2.0]
    assert fig.data[1].orientation == "h"
    assert len(frames.timeline_figure(df.iloc[0:0]).data) == 0


def test_estimate_runtime_is_the_median_per_method_times_its_count() -> None:
    engine = db.connect("sqlite://")
    _run(engine, calls=[("aspirate", 4.0, 0, 1.0, None), ("aspirate", 6.0, 0, 1.0, None),
                        ("aspirate", 100.0, 0, 1.0, None), ("dispense", 2.0, 0, 0.0, None),
                        ("aspirate", 500.0, 0, 1.0, "TooLittleLiquidError: ...")])
    report = {"graph": {"operations": [{"method_name": "aspirate"}] * 3
                        + [{"method": "dispense"}] * 2 + [{"method": "move_plate"}]}}
    # aspirate: median(4, 6, 100) = 6 (the failed call is left out); dispense: 2;
    # move_plate never ran: the median over all successful calls, median(4, 6, 100, 2) = 5
    assert frames.estimate_runtime(report, engine) == pytest.approx((3 * 6 + 2 * 2 + 5) / 1000)
    assert frames.estimate_runtime(report["graph"], engine) == pytest.approx(0.027)


def test_estimate_runtime_without_history_is_none() -> None:
    assert frames.estimate_runtime({"operations": [{"method": "aspirate"}]}, "sqlite://") is None


def test_estimate_runtime_refuses_something_that_is_not_a_report() -> None:
    with pytest.raises(TypeError, match="needs a simulation report or its graph"):
        frames.estimate_runtime(42, "sqlite://")


def test_history_command_prints_a_table_or_json(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    run_id = _run(db.connect(url), "copy_plate", COPY)
    assert frames.history_command(SimpleNamespace(db=url, limit=5, json=False)) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["id", "protocol", "status", "backend"]
    assert table[1].split()[:3] == [str(run_id), "copy_plate", "completed"]
    assert frames.history_command(SimpleNamespace(db=url, limit=5, json=True)) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["id"], record["calls"], record["tips_used"]) == (run_id, 4, 8)
    assert record["started"].endswith("Z")


def test_history_command_on_an_empty_store_says_how_to_record_a_run(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert frames.history_command(SimpleNamespace(db="sqlite://", limit=5, json=False)) == 0
    assert "no runs yet" in capsys.readouterr().out


def test_history_command_exits_2_with_one_line_when_the_store_is_unreachable(
        capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://lab:pw@127.0.0.1:9/runs"
    with pytest.raises(StoreError):
        frames.history(url)
    assert frames.history_command(SimpleNamespace(db=url, limit=5, json=False)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "lab:***@127.0.0.1:9" in err


# --- the store commands given bad input: one line, exit 2, never a traceback -----------


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from praxis_lab.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_history_lists_runs_that_never_ran_without_a_duration(
        store: Engine, store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    running = _run(store, "still_going", COPY[:1], final=None)
    refused = ProtocolRun(protocol="blocked_one", backend="STARBackend", mode="real")
    db.write(store, lambda s: s.add(refused))
    assert refused.id is not None
    set_status(store, refused.id, "refused", error=("PolicyBlock", "simulation_ok: ..."))
    df = frames.history(store)
    assert df["duration_s"].dtype == "float64" and df["duration_s"].isna().all()
    if store_url != "sqlite://":  # an in-memory store cannot be named on the command line
        code, out, err = _main(capsys, "history", "--db", store_url)
        assert (code, err) == (0, "")
        rows = [line.split() for line in out.splitlines()[1:]]
        assert [(r[0], r[1], r[2]) for r in rows] == [
            (str(refused.id), "blocked_one", "refused"), (str(running), "still_going", "running")]


@pytest.mark.parametrize("argv", [["history", "--limit", "-1"], ["requests", "--limit", "-1"],
                                  ["search", "bubbles", "--limit", "-1"]])
def test_a_negative_limit_is_one_line_and_exit_2_on_every_store(
        store_url: str, store: Engine, capsys: pytest.CaptureFixture[str],
        argv: list[str]) -> None:
    code, out, err = _main(capsys, *argv, "--db", store_url)
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert "the limit must be a whole number ≥ " in err and "-1" in err
    assert "Traceback" not in err and "DataError" not in err


def test_a_zero_limit_lists_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/zero.db"
    _run(db.connect(url), "copy_plate", COPY)
    code, out, _ = _main(capsys, "history", "--limit", "0", "--db", url)
    assert code == 0 and out.startswith("no runs yet")


@pytest.mark.parametrize("url", ["not a url", "mysql://lab:s3cret@db.lab/runs",
                                 "postgresql+nodriver://db.lab/runs", "[::1/x",
                                 "postgresql://lab:s3cret@[::1/x"])
@pytest.mark.parametrize("argv", [["history"], ["requests"], ["search", "bubbles"],
                                  ["note", "1", "hello"], ["approve", "1", "--reason", "ok"]])
def test_a_bad_store_url_is_one_line_and_exit_2_for_every_command(
        capsys: pytest.CaptureFixture[str], url: str, argv: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _main(capsys, *argv, "--db", url)
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert err.startswith(f"praxis-lab {argv[0]}: run store '") and "s3cret" not in err
    assert "Traceback" not in err and "internal error" not in err
    monkeypatch.setenv("PRAXIS_LAB_DB_URL", url)  # the same through the environment
    code, out, err = _main(capsys, *argv)
    assert code == 2 and err.startswith(f"praxis-lab {argv[0]}: run store '")
