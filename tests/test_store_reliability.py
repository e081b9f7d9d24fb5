"""The store under stress: kill -9 mid-run, 8 concurrent writers, unusable stores.

Child processes are forked from the test process (everything is imported already, so a
child starts in milliseconds) and run real PLR protocols through the runner.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from select import select as wait_readable
from typing import Any

import pytest
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    STARLetDeck,
    TipRack,
    hamilton_96_tiprack_1000uL_filter,
)
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from praxis_lab.execution import runner
from praxis_lab.execution.runner import Runner
from praxis_lab.store import db, frames
from praxis_lab.store.db import FunctionCallLog, ProtocolRun, StoreError

FORK = multiprocessing.get_context("fork")
CALLS = 100  # tip_shuffle(n=50): 50 × (pick up, drop)


async def tip_shuffle(lh: LiquidHandler, tips: TipRack, n: int = 50) -> None:
    for i in range(n):
        spot = tips.get_item(i % 96)
        await lh.pick_up_tips([spot])
        await lh.drop_tips([spot])


def tip_setup() -> dict[str, Any]:
    deck = STARLetDeck()
    car = TIP_CAR_480_A00(name="tip_car")
    car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    deck.assign_child_resource(car, rails=3)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "tips": tips}


@pytest.fixture(scope="module")
def report() -> Any:
    """The simulation of tip_shuffle, computed once and handed to every child."""
    from praxis_lab.pipeline import simulate

    return simulate(tip_shuffle, tip_setup(), params={"n": 50})


def _quiet_child() -> None:
    """In a forked child: silence PLR's prints (the child opens the store from its URL,
    with an engine of its own, as a new process would)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)


def _reopen(url: str) -> Engine:
    """Open the store as a new process's run would (a fresh engine, then recovery)."""
    from praxis_lab.store.lifecycle import recover

    engine = db.connect(url)
    recover(engine)
    return engine


# --- kill -9 ----------------------------------------------------------------------------


def _killable(url: str, fd: int, report: Any) -> None:
    _quiet_child()
    r = Runner(tip_shuffle, tip_setup(), params={"n": 50}, db=url, report=report)
    r.subscribe(lambda m: os.write(fd, f"{m['seq']}\n".encode()) if m["type"] == "log" else None)
    asyncio.run(r.execute())
    os._exit(0)


def _read_lines(fd: int, until: int | None, timeout: float = 20.0) -> list[int]:
    """Read committed sequence numbers from the child until ``until`` is seen (or EOF)."""
    buf, seen, end = b"", [], time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = wait_readable([fd], [], [], 0.05)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        seen += [int(x) for x in lines]
        if until is not None and seen and seen[-1] >= until:
            break
    return seen


@pytest.mark.parametrize("kind", ["sqlite-file", pytest.param("postgres",
                                                              marks=pytest.mark.postgres)])
def test_kill_9_at_20_random_points_loses_no_completed_call(
        kind: str, request: pytest.FixtureRequest, tmp_path: Any, report: Any) -> None:
    url = (f"sqlite:///{tmp_path}/killed.db" if kind == "sqlite-file"
           else str(request.getfixturevalue("pg_url")))
    db.connect(url)
    rng = random.Random(20240501)
    trials = 20
    for trial in range(trials):
        target = rng.randint(1, 90)
        read, write = os.pipe()
        child = FORK.Process(target=_killable, args=(url, write, report))
        child.start()
        os.close(write)
        printed = _read_lines(read, until=target)
        time.sleep(rng.random() * 0.003)  # land anywhere: in a call, in a commit, between
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join()
        printed += _read_lines(read, until=None, timeout=1.0)
        os.close(read)
        assert child.exitcode == -signal.SIGKILL, f"trial {trial}: the child ended on its own"
        engine = _reopen(url)
        with Session(engine) as s:
            run = s.exec(select(ProtocolRun).where(ProtocolRun.pid == child.pid)).one()
            stored = s.exec(select(FunctionCallLog.seq).where(FunctionCallLog.run_id == run.id)
                            .order_by(FunctionCallLog.seq)).all()  # type: ignore[arg-type]
        assert run.status == "interrupted", f"trial {trial}: {run.status}"
        assert run.error_code == "ProcessDied" and run.ended_at is not None
        assert printed, f"trial {trial}: the child committed nothing before the kill"
        assert list(stored) == list(range(1, len(stored) + 1)), f"trial {trial}: gap"
        assert set(printed) <= set(stored), f"trial {trial}: a committed call is missing"
        assert len(stored) <= max(printed) + 1, f"trial {trial}: more than one call in flight"
        assert len(stored) < CALLS
    engine = _reopen(url)
    df = frames.history(engine)
    assert len(df) == trials and set(df["status"]) == {"interrupted"}
    assert (df["calls"] > 0).all()
    if kind == "sqlite-file":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


# --- 8 concurrent writers -----------------------------------------------------------------


def _writer(url: str, runs: int, start: Any, out: Any, report: Any) -> None:
    _quiet_child()
    try:
        start.wait(10)
        ids = []
        for _ in range(runs):
            record = runner.run(tip_shuffle, tip_setup(), params={"n": 10}, db=url,
                                report=report)
            ids.append((record.run_id, record.status, record.calls))
        out.put(("ok", os.getpid(), ids))
    except BaseException as exc:  # everything a user would have seen
        out.put(("error", os.getpid(), f"{type(exc).__name__}: {exc}"))
    finally:
        out.close()
        out.join_thread()
        os._exit(0)


@pytest.mark.parametrize("kind", ["sqlite-file", pytest.param("postgres",
                                                              marks=pytest.mark.postgres)])
def test_8_processes_writing_runs_at_once_lose_no_row_and_see_no_lock_error(
        kind: str, request: pytest.FixtureRequest, tmp_path: Any, report: Any) -> None:
    url = (f"sqlite:///{tmp_path}/busy.db" if kind == "sqlite-file"
           else str(request.getfixturevalue("pg_url")))
    runs, procs = 3, 8  # the store does not exist yet: the first opens race too
    start, out = FORK.Event(), FORK.Queue()
    children = [FORK.Process(target=_writer, args=(url, runs, start, out, report))
                for _ in range(procs)]
    for c in children:
        c.start()
    start.set()
    results = [out.get(timeout=120) for _ in children]
    for c in children:
        c.join(30)
    errors = [r for r in results if r[0] != "ok"]
    assert errors == []
    reported = [entry for r in results for entry in r[2]]
    assert len(reported) == procs * runs
    assert all(status == "completed" and calls == 20 for _, status, calls in reported)
    engine = _reopen(url)
    with Session(engine) as s:
        stored = s.exec(select(ProtocolRun)).all()
        assert sorted(r.id for r in stored) == sorted(i for i, _, _ in reported)  # type: ignore[type-var]
        assert {r.status for r in stored} == {"completed"}
        for r in stored:
            seqs = s.exec(select(FunctionCallLog.seq).where(FunctionCallLog.run_id == r.id)
                          .order_by(FunctionCallLog.seq)).all()  # type: ignore[arg-type]
            assert list(seqs) == list(range(1, 21)) and r.calls == 20


def test_a_run_waits_out_another_writer_holding_the_lock(tmp_path: Any, report: Any) -> None:
    path = tmp_path / "held.db"
    engine = db.connect(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    held: list[float] = []

    def grab(message: dict[str, Any]) -> None:
        if message["type"] == "log" and message["seq"] == 1:
            other.execute("BEGIN IMMEDIATE")
            held.append(time.monotonic())
            threading.Timer(0.3, lambda: other.execute("COMMIT")).start()

    r = Runner(tip_shuffle, tip_setup(), params={"n": 3}, db=engine, report=report)
    r.subscribe(grab)
    record = asyncio.run(r.execute())
    other.close()
    assert record.status == "completed" and record.calls == 6
    assert frames.calls(record.run_id, engine)["seq"].tolist() == [1, 2, 3, 4, 5, 6]
    assert record.duration_s is not None and record.duration_s >= 0.25 and held


# --- unusable stores ----------------------------------------------------------------------


def _spied_setup() -> tuple[dict[str, Any], list[str]]:
    setup = tip_setup()
    received: list[str] = []
    backend = setup["lh"].backend
    for name in ("setup", "pick_up_tips", "drop_tips"):
        original = getattr(backend, name)

        async def spied(*a: Any, _n: str = name, _o: Any = original, **k: Any) -> Any:
            received.append(_n)
            return await _o(*a, **k)

        setattr(backend, name, spied)
    return setup, received


def test_an_unreachable_store_fails_before_the_run_and_the_device_gets_nothing() -> None:
    setup, received = _spied_setup()
    with pytest.raises(StoreError, match=r"run store postgresql\+psycopg://lab:\*\*\*@127\.0\."
                                         r"0\.1:9/runs: cannot open it: .*server is running"):
        runner.run(tip_shuffle, setup, db="postgresql+psycopg://lab:pw@127.0.0.1:9/runs")
    assert received == [] and not setup["lh"].setup_finished


@pytest.fixture
def read_only_store() -> Iterator[str]:
    """A store whose file and directory are read-only (chmod 444 / 555)."""
    where = tempfile.mkdtemp(prefix="praxis-ro-")
    os.chmod(where, 0o755)
    url = f"sqlite:///{where}/runs.db"
    _reopen(url).dispose()
    os.chmod(f"{where}/runs.db", 0o444)
    os.chmod(where, 0o555)
    try:
        yield url
    finally:
        os.chmod(where, 0o755)
        shutil.rmtree(where, ignore_errors=True)


def _attempt_run(url: str, out: Any) -> None:
    if os.geteuid() == 0:  # root ignores file modes: be an ordinary user
        os.setgid(65534)
        os.setuid(65534)
    _quiet_child()
    setup, received = _spied_setup()
    try:
        runner.run(tip_shuffle, setup, db=url)
        out.put(("ran", received, setup["lh"].setup_finished))
    except StoreError as exc:
        out.put((str(exc), received, setup["lh"].setup_finished))
    except BaseException as exc:
        out.put((f"unexpected {type(exc).__name__}: {exc}", received, False))
    finally:
        out.close()
        out.join_thread()
        os._exit(0)


def test_a_read_only_store_fails_before_the_run_and_the_device_gets_nothing(
        read_only_store: str) -> None:
    out = FORK.Queue()
    child = FORK.Process(target=_attempt_run, args=(read_only_store, out))
    child.start()
    message, received, set_up = out.get(timeout=60)
    child.join(10)
    assert message.startswith(f"run store {read_only_store}: cannot ")
    assert "readonly" in message and "make the store writable" in message
    assert received == [] and set_up is False


@pytest.mark.postgres
def test_a_read_only_postgres_store_fails_before_the_run(pg_url: str) -> None:
    engine = db.connect(pg_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{engine.url.database}" '
                             "SET default_transaction_read_only = on")
    engine.dispose()
    setup, received = _spied_setup()
    with pytest.raises(StoreError, match="read-only transaction"):
        runner.run(tip_shuffle, setup, db=engine)
    assert received == [] and not setup["lh"].setup_finished
