"""The trace context belongs to the tracing thread: a live run never sees a simulation."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from test_runner import make_setup

from praxis_lab import simulate
from praxis_lab.execution.runner import Runner
from praxis_lab.store import db
from praxis_lab.store.db import FunctionCallLog
from praxis_lab.trace.scope import Scope, current, entered
from praxis_lab.trace.sym import Sym

PROTOCOLS = Path(__file__).parent / "protocols"

# A run that reads the volume trackers (every dispense: PLR's add_liquid asks
# get_free_volume) and really waits: 30 sleeps of 50 ms between its PLR calls.
INCUBATION = '''
import asyncio

async def incubate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for i in range(30):
        await lh.pick_up_tips(tips[i])
        await lh.aspirate(source[i], vols=[10.0])
        await lh.dispense(dest[i], vols=[10.0])
        await lh.drop_tips(tips[i])
        await asyncio.sleep(0.05)
'''

# A 1,000-op protocol whose trace uses every routed answer: it sets volumes, reads tip
# spots, looks items up, sleeps (traced: no time) and forks on a parameter.
BUSY = '''
import asyncio

async def busy(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 5.0):
    for column in range(1, 13):
        plate.get_item(f"A{column}").tracker.set_volume(300)
    tips.set_tip_state([True] * 96)
    await lh.pick_up_tips(tips["A1"])
    for i in range(499):
        await lh.aspirate(plate[f"A{i % 12 + 1}"], vols=[volume])
        await lh.dispense(plate[f"A{i % 12 + 1}"], vols=[volume])
        if tips.get_item("A2").has_tip():
            await asyncio.sleep(600)
    if volume > 100:
        await lh.drop_tips(tips["A1"])
    else:
        await lh.return_tips()
'''


@pytest.fixture
def switchy() -> Iterator[None]:
    """Switch threads every 0.1 ms, so a run and a trace interleave everywhere."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _logged(engine: Any, run_id: int) -> list[tuple[str, str, str | None]]:
    with Session(engine) as s:
        rows = s.exec(select(FunctionCallLog).where(FunctionCallLog.run_id == run_id)
                      .order_by(FunctionCallLog.seq)).all()  # type: ignore[arg-type]
    return [(r.method, repr(r.arguments), r.error) for r in rows]


def _run_on_a_worker_thread(path: Path, engine: Any, busy_main: bool) -> tuple[Any, float, int]:
    runner = Runner(str(path), setup=make_setup, db=engine)
    started = time.monotonic()
    runner.start()  # no running loop here: the run goes on a worker thread
    simulations = 0
    deadline = started + 60
    while busy_main and runner.record is None and time.monotonic() < deadline:
        report = simulate(BUSY, cache=False)
        assert report.ok, report.summary()
        simulations += 1
    record = runner.wait(60)
    return record, time.monotonic() - started, simulations


@pytest.mark.slow
def test_a_run_on_a_worker_thread_is_untouched_by_simulations_on_the_main_thread(
        tmp_path: Path, switchy: None) -> None:
    path = tmp_path / "incubate.py"
    path.write_text(INCUBATION)
    engine = db.connect(f"sqlite:///{tmp_path}/runs.db")
    alone, _, _ = _run_on_a_worker_thread(path, engine, busy_main=False)
    assert alone is not None and alone.status == "completed", alone
    expected = _logged(engine, alone.run_id)
    assert len(expected) == 120
    for trial in range(5):
        record, took, simulations = _run_on_a_worker_thread(path, engine, busy_main=True)
        assert record is not None, f"trial {trial}: the run never reached a final status"
        assert record.status == "completed", f"trial {trial}: {record.error_message}"
        assert took >= 30 * 0.05, f"trial {trial}: the run's sleeps were skipped ({took:.2f} s)"
        assert simulations >= 2, f"trial {trial}: the main thread hardly simulated"
        assert _logged(engine, record.run_id) == expected, f"trial {trial}: other calls"


def test_plr_trackers_and_asyncio_answer_another_thread_as_they_are_during_a_trace(
        switchy: None) -> None:
    setup = make_setup(volume=123.0)
    well, spot = setup["source"].get_item("C3"), setup["tips"].get_item("D4")
    seen: list[tuple[float, bool, float]] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            while not stop.is_set():
                t = time.monotonic()
                asyncio.run(asyncio.sleep(0.002))
                seen.append((well.tracker.get_free_volume(), spot.tracker.has_tip,
                             time.monotonic() - t))
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        for _ in range(5):
            assert simulate(BUSY, cache=False).ok
    finally:
        stop.set()
        thread.join(10)
    assert not failures, failures
    assert seen, "the worker never ran during the simulations"
    free = well.max_volume - 123.0
    assert all(v == free and has and took >= 0.002 for v, has, took in seen), seen[:5]


def test_traced_code_sleeps_in_no_time_and_untraced_code_sleeps_for_real() -> None:
    with entered(Scope(tracer=None)):
        t = time.monotonic()
        assert asyncio.run(asyncio.sleep(3600, "done")) == "done"
        assert time.monotonic() - t < 60
    t = time.monotonic()
    asyncio.run(asyncio.sleep(0.02))
    assert time.monotonic() - t >= 0.02


HEAD = '''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
'''


def test_the_protocol_s_time_sleep_takes_no_time_and_counts_as_a_wait_in_its_body() -> None:
    started = time.monotonic()
    report = simulate("import time\ntime.sleep(3600)\n" + HEAD + "    time.sleep(1800)\n"
                      "    from time import sleep\n    sleep(60)\n")
    assert report.ok, report.summary()
    assert time.monotonic() - started < 10
    assert report.to_dict()["duration_s"] == 1860  # the body's waits; the top level's skipped


def test_an_async_setup_s_sleep_takes_no_time(tmp_path: Path) -> None:
    protocol = tmp_path / "waits.py"
    protocol.write_text((PROTOCOLS / "ok_96_head.py").read_text().replace(
        "def setup(", "async def setup(").replace(
        "    return {", "    import asyncio, time\n    await asyncio.sleep(3600)\n"
        "    time.sleep(3600)\n    return {"))
    started = time.monotonic()
    report = simulate(protocol, setup="setup", cache=False)
    assert report.ok, report.summary()
    assert time.monotonic() - started < 10


def test_another_thread_sleeps_for_real_while_this_one_simulates() -> None:
    from praxis_lab.trace.sandbox import simulating

    took: list[float] = []

    def elsewhere() -> None:
        t = time.monotonic()
        time.sleep(0.2)
        took.append(time.monotonic() - t)

    worker = threading.Thread(target=elsewhere)
    worker.start()
    with simulating():
        worker.join(30)
    assert took and took[0] >= 0.2


def test_the_scope_is_this_context_s_alone() -> None:
    inner: list[Scope | None] = []
    with entered(Scope(tracer=None)) as scope:
        assert current() is scope
        thread = threading.Thread(target=lambda: inner.append(current()))
        thread.start()
        thread.join()
    assert inner == [None] and current() is None


def test_a_symbolic_number_outside_a_trace_is_its_own_value_and_compares_without_forking() -> None:
    volume = Sym("volume", 150.0, param="volume")
    assert float(volume) == 150.0
    assert (volume > 100) is True and (volume < 100) is False
