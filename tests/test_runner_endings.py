"""The runner: every run ends with a final status and its error recorded, whatever is raised.

Raised by the protocol's own code, by PLR's backend, by a subscriber, by the call log or
by the store itself; Exceptions and BaseExceptions alike (SystemExit, GeneratorExit, a
custom BaseException). ``Runner.wait()`` returns in every case, and the run's request
moves with it (``executing`` after a failure, so it can be retried; ``aborted`` after a
cancel).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from test_runner import copy_columns, make_setup, spy

from praxis_lab.execution import runner
from praxis_lab.execution.policy import Policy
from praxis_lab.execution.runner import Runner, RunRecord
from praxis_lab.pipeline import simulate
from praxis_lab.store import db
from praxis_lab.store.db import FunctionCallLog, ProtocolRun, RunRequest


class Meltdown(BaseException):
    """Not an Exception: what a careless driver or library might raise."""


RAISED: dict[str, Callable[[], BaseException]] = {
    "SystemExit": lambda: SystemExit(3),
    "GeneratorExit": GeneratorExit,
    "Meltdown": lambda: Meltdown("coolant gone"),
    "RuntimeError": lambda: RuntimeError("firmware said no"),
}
MESSAGES = {"SystemExit": "3", "GeneratorExit": "GeneratorExit", "Meltdown": "coolant gone",
            "RuntimeError": "firmware said no"}


@pytest.fixture
def mem() -> Engine:
    return db.connect("sqlite://")


def _stored(engine: Engine, run_id: int) -> tuple[ProtocolRun, RunRequest, list[str]]:
    with Session(engine) as s:
        run = s.get(ProtocolRun, run_id)
        assert run is not None and run.request_id is not None
        request = s.get(RunRequest, run.request_id)
        assert request is not None
        methods = s.exec(select(FunctionCallLog.method).where(FunctionCallLog.run_id == run_id)
                         .order_by(FunctionCallLog.seq)).all()  # type: ignore[arg-type]
        return run, request, list(methods)


def _in_a_notebook(r: Runner) -> RunRecord:
    """``run()`` inside a running event loop: the run goes on a worker thread."""
    async def cell() -> RunRecord:
        return runner.run(r.protocol, r.setup, r.params, db=r.db, report=r.report)

    return asyncio.run(cell())


def _in_the_background(r: Runner) -> RunRecord:
    r.start()  # no loop: a background thread
    record = r.wait(timeout=60)
    assert record is not None, "wait() did not return"
    return record


WAYS: dict[str, Callable[[Runner], RunRecord]] = {
    "asyncio.run": lambda r: asyncio.run(r.execute()),
    "start+wait": _in_the_background,
    "run in a notebook": _in_a_notebook,
}


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("raised", list(RAISED))
def test_whatever_plrs_backend_raises_the_run_fails_with_it_and_its_request_can_be_retried(
        mem: Engine, raised: str, way: str) -> None:
    setup = make_setup()
    received = spy(setup, fail_at=("aspirate", 1, RAISED[raised]()))
    record = WAYS[way](Runner(copy_columns, setup, params={"columns": 1}, db=mem))
    assert (record.status, record.error_code, record.error_message) == (
        "failed", raised, MESSAGES[raised])
    run, request, methods = _stored(mem, record.run_id)
    assert (run.status, run.error_code, run.error_message) == ("failed", raised, MESSAGES[raised])
    assert run.ended_at is not None and request.status == "executing"
    assert methods == ["pick_up_tips", "aspirate"] and len(received) == 2
    assert not setup["lh"].setup_finished  # the handler it set up was stopped


async def raises_its_own(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                         what: str = "none") -> None:
    await lh.pick_up_tips(tips["A1"])
    if what == "SystemExit":
        raise SystemExit(3)
    if what == "GeneratorExit":
        raise GeneratorExit()
    if what == "Meltdown":
        raise Meltdown("coolant gone")
    await lh.drop_tips(tips["A1"])


@pytest.mark.parametrize("raised", ["SystemExit", "GeneratorExit", "Meltdown"])
def test_a_protocol_that_raises_a_base_exception_fails_and_wait_returns(
        mem: Engine, raised: str) -> None:
    # simulated on its harmless path; the run takes the path that raises
    report = simulate(raises_its_own, make_setup(), params={"what": "none"})
    setup = make_setup()
    received = spy(setup)
    r = Runner(raises_its_own, setup, params={"what": raised}, db=mem, report=report)
    record = _in_the_background(r)
    assert (record.status, record.error_code, record.error_message) == (
        "failed", raised, MESSAGES[raised])
    assert r.status == "failed" and [m for m, *_ in received] == ["pick_up_tips"]
    assert _stored(mem, record.run_id)[1].status == "executing"


def test_a_keyboard_interrupt_in_the_background_cancels_and_aborts_the_request(
        mem: Engine) -> None:
    setup = make_setup()
    spy(setup, fail_at=("dispense", 1, KeyboardInterrupt()))
    record = _in_the_background(Runner(copy_columns, setup, db=mem))
    assert (record.status, record.error_code) == ("canceled", "KeyboardInterrupt")
    run, request, methods = _stored(mem, record.run_id)
    assert (run.status, request.status) == ("canceled", "aborted")
    assert methods == ["pick_up_tips", "aspirate", "dispense"]


@pytest.mark.parametrize("raised", list(RAISED))
def test_a_subscriber_raising_anything_never_reaches_the_run(
        mem: Engine, raised: str, caplog: pytest.LogCaptureFixture) -> None:
    def broken(message: dict[str, Any]) -> None:
        raise RAISED[raised]()

    r = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    r.subscribe(broken)
    with caplog.at_level(logging.ERROR, logger="praxis_lab.execution.runner"):
        record = _in_the_background(r)
    assert (record.status, record.calls, record.error_code) == ("completed", 4, None)
    assert _stored(mem, record.run_id)[1].status == "complete"
    assert f"subscriber {broken!r} raised {raised}" in caplog.text


def test_a_subscriber_raising_keyboard_interrupt_aborts_the_run(mem: Engine) -> None:
    setup = make_setup()
    received = spy(setup)

    def ctrl_c_at_the_second_call(message: dict[str, Any]) -> None:
        if message["type"] == "log" and message["seq"] == 2:
            raise KeyboardInterrupt

    r = Runner(copy_columns, setup, db=mem)
    r.subscribe(ctrl_c_at_the_second_call)
    record = _in_the_background(r)
    assert (record.status, record.error_code) == ("canceled", "Canceled")
    assert len(received) == 2 and _stored(mem, record.run_id)[1].status == "aborted"


def test_a_call_the_store_refuses_to_log_stops_the_run_before_the_next_call(
        mem: Engine) -> None:
    with mem.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER full_disk BEFORE INSERT ON function_call_log WHEN NEW.seq = 3 "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    setup = make_setup()
    received = spy(setup)
    record = _in_the_background(Runner(copy_columns, setup, db=mem))
    assert (record.status, record.error_code) == ("failed", "IntegrityError")
    assert record.error_message is not None and record.error_message.startswith(
        "call 3 (dispense) could not be logged: ")
    assert "database or disk is full" in record.error_message
    run, request, methods = _stored(mem, record.run_id)
    assert (run.status, request.status) == ("failed", "executing")
    assert methods == ["pick_up_tips", "aspirate"]  # call 3 reached the device, unlogged
    assert [m for m, *_ in received] == ["pick_up_tips", "aspirate", "dispense"]


def test_a_store_that_cannot_record_the_end_still_ends_the_run_and_says_so(
        mem: Engine) -> None:
    with mem.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER read_only_now BEFORE UPDATE OF status ON protocol_run "
            "WHEN NEW.status <> 'running' BEGIN SELECT RAISE(ABORT, 'store is read-only'); END")
    got: list[dict[str, Any]] = []
    r = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    r.subscribe(got.append)
    record = _in_the_background(r)
    assert (record.status, r.status, record.calls) == ("completed", "completed", 4)
    assert record.error_message == (
        "the run store did not record that the run completed: IntegrityError: "
        f"{record.error_message.split('IntegrityError: ', 1)[1]}")  # type: ignore[union-attr]
    assert "store is read-only" in str(record.error_message)
    assert _stored(mem, record.run_id)[0].status == "running"  # what the store kept
    assert got[-1]["type"] == "response"


async def incubates(lh: LiquidHandler, tips: TipRack, minutes: float = 10.0) -> None:
    await lh.pick_up_tips(tips["A1"])
    await asyncio.sleep(minutes * 60)  # the protocol's own incubation
    await lh.drop_tips(tips["A1"])


def test_a_run_on_a_real_device_over_its_time_limit_is_stopped_and_fails_saying_so(
        mem: Engine) -> None:
    setup = make_setup()
    del setup["source"], setup["dest"]
    received = spy(setup)
    as_real = Policy(simulator_backends=frozenset(), time_limit_s=0.2)
    record = _in_the_background(Runner(incubates, setup, db=mem, policy=as_real))
    assert (record.status, record.mode, record.error_code) == ("failed", "real",
                                                               "TimeLimitExceeded")
    assert record.error_message == (
        "the run went past its time limit 0.2 s (Policy.time_limit_s) and was stopped: nothing "
        "more reached the device (a protocol that needs longer: Policy(time_limit_s=...))")
    assert [m for m, *_ in received] == ["pick_up_tips"]
    assert _stored(mem, record.run_id)[1].status == "executing"


def test_a_simulator_run_has_no_time_limit(mem: Engine) -> None:
    setup = make_setup()
    del setup["source"], setup["dest"]
    r = Runner(incubates, setup, params={"minutes": 0.0}, db=mem,
               policy=Policy(time_limit_s=0.0))
    record = _in_the_background(r)
    assert record.status == "completed" and record.decision is not None
    assert record.decision.time_limit_s is None


def test_wait_returns_at_once_for_a_refused_run_and_none_while_a_run_goes_on(
        mem: Engine) -> None:
    setup = make_setup()
    del setup["dest"]
    refused = Runner("async def p(lh: LiquidHandler, tips: TipRack, source: Plate):\n"
                     "    await lh.aspirate(source['A1'], vols=[10.0])\n", setup, db=mem,
                     policy=Policy(simulator_backends=frozenset()))
    refused.prepare()
    assert refused.wait(0) is not None and refused.wait(0).status == "refused"  # type: ignore[union-attr]
    gate = threading.Event()
    r = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    r.subscribe(lambda m: gate.wait(30) if m["type"] == "log" else None)
    r.start()
    assert r.wait(0) is None  # held by the subscriber at the first call
    gate.set()
    record = r.wait(60)
    assert record is not None and record.status == "completed"


INCUBATING_FILE = '''
import asyncio

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import STARLetDeck, TIP_CAR_480_A00, TipRack
from pylabrobot.resources import hamilton_96_tiprack_1000uL_filter


class StarDriver(LiquidHandlerChatterboxBackend):
    """The lab's driver of its STAR (here: it moves nothing)."""


async def incubate(lh: LiquidHandler, tips: TipRack, minutes: float = 30.0):
    await lh.pick_up_tips(tips["A1"])
    await asyncio.sleep(minutes * 60)
    await lh.drop_tips(tips["A1"])


def star():
    deck = STARLetDeck()
    car = TIP_CAR_480_A00(name="car")
    car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    deck.assign_child_resource(car, rails=3)
    return {"lh": LiquidHandler(StarDriver(), deck=deck), "tips": tips}
'''


def test_praxis_lab_run_time_limit_stops_a_real_run_and_exits_1(
        tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from praxis_lab.cli import main

    path, url = tmp_path / "incubate.py", f"sqlite:///{tmp_path}/cli.db"
    path.write_text(INCUBATING_FILE)
    code = main(["run", str(path), "--setup", "star", "--time-limit", "0.2", "--db", url])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.strip().splitlines()[-1].startswith("run 1 incubate failed: 1 calls in ")
    assert err.strip() == (
        "TimeLimitExceeded: the run went past its time limit 0.2 s (Policy.time_limit_s) and "
        "was stopped: nothing more reached the device (a protocol that needs longer: "
        "Policy(time_limit_s=...))")


@pytest.mark.parametrize("bad", ["0", "-5", "nan", "inf", "soon"])
def test_praxis_lab_run_refuses_a_time_limit_that_is_not_seconds(
        tmp_path: Any, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    from praxis_lab.cli import main

    path = tmp_path / "incubate.py"
    path.write_text(INCUBATING_FILE)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(path), "--setup", "star", "--time-limit", bad])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert f"argument --time-limit: {bad!r} is not a number of seconds > 0" in err


async def stops_itself(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate) -> None:
    await lh.pick_up_tips(tips["A1"])
    raise KeyboardInterrupt  # the protocol's own, not the user's Ctrl-C


def test_a_keyboard_interrupt_the_protocol_raises_itself_fails_the_run(mem: Engine) -> None:
    record = runner.run(stops_itself, make_setup(), db=mem)
    assert (record.status, record.error_code) == ("failed", "KeyboardInterrupt")
