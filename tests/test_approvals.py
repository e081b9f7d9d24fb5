"""Approvals are bound to the devices: what a request freezes, what an approval covers.

"A real device" here is a lab's own backend class (it moves nothing: the tests need no
robot, and a spy records what reaches it). What makes a backend a simulator is its class
being one of PLR's own, compared by identity; names do not count.
"""

from __future__ import annotations

import asyncio
import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader
from pylabrobot.plate_reading.chatterbox import PlateReaderChatterboxBackend
from pylabrobot.resources import Coordinate, Plate, TipRack
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from test_runner import AS_REAL, BROKEN, copy_columns, make_setup, spy

from praxis_lab import simulate
from praxis_lab.cli import main
from praxis_lab.execution import approvals, runner
from praxis_lab.execution.policy import Policy, evaluate
from praxis_lab.execution.runner import Runner
from praxis_lab.store import audit, db, frames
from praxis_lab.store.audit import RequestError
from praxis_lab.store.db import ApprovalResult, PolicyResult, ProtocolRun, RunRequest
from praxis_lab.trace import limit


class BenchRobot(LiquidHandlerChatterboxBackend):
    """A lab's own driver for its robot; like PLR's USB backends it serializes its serial
    number."""

    def __init__(self, serial_number: str = "LH-0001") -> None:
        super().__init__()
        self.serial_number = serial_number

    def serialize(self) -> dict[str, Any]:
        return {**super().serialize(), "serial_number": self.serial_number}


class BenchReader(PlateReaderChatterboxBackend):
    """A lab's own plate reader driver."""


def on(backend: Any, *, volume: float = 200.0, reader: Any = None) -> dict[str, Any]:
    """make_setup's deck driven by ``backend``; with ``reader``, a plate reader on the deck."""
    setup = make_setup(volume)
    setup["lh"] = LiquidHandler(backend=backend, deck=setup["lh"].deck)
    if reader is not None:
        setup["lh"].deck.assign_child_resource(
            PlateReader(name="reader", size_x=100, size_y=100, size_z=50, backend=reader),
            location=Coordinate(600, 100, 0))
    return setup


@pytest.fixture
def mem() -> Engine:
    return db.connect("sqlite://")


def _request(engine: Engine, request_id: int | None) -> RunRequest:
    with Session(engine) as s:
        found = s.get(RunRequest, request_id)
        assert found is not None
        return found


def _runs(engine: Engine) -> list[tuple[int | None, str]]:
    with Session(engine) as s:
        return [(r.request_id, r.status) for r in s.exec(select(ProtocolRun)).all()]


def test_a_request_freezes_every_machine_of_the_setup_with_its_backend_and_identity(
        mem: Engine) -> None:
    record = runner.run(copy_columns, on(BenchRobot(), reader=PlateReaderChatterboxBackend()),
                        params={"columns": 1}, db=mem)
    assert (record.status, record.mode) == ("completed", "real")
    request = _request(mem, record.request_id)
    assert request.type == "run"
    assert request.payload["devices"] == {
        "lh": {"machine": "pylabrobot.liquid_handling.liquid_handler.LiquidHandler",
               "backend": "test_approvals.BenchRobot", "simulator": False,
               "identity": {"serial_number": "LH-0001"}},
        "reader": {"machine": "pylabrobot.plate_reading.plate_reader.PlateReader",
                   "backend": "pylabrobot.plate_reading.chatterbox.PlateReaderChatterboxBackend",
                   "simulator": True, "identity": {}}}


def test_an_approval_on_plrs_simulator_does_not_run_on_a_real_device(mem: Engine) -> None:
    # on the simulator: auto-approved; the run fails (too little liquid), so the request
    # stays executing and could be retried
    failed = runner.run(copy_columns, make_setup(volume=30.0), params={"volume": 50.0}, db=mem)
    assert failed.status == "failed" and failed.request_status == "executing"
    real = on(BenchRobot())
    received = spy(real)
    with pytest.raises(RequestError) as refused:
        runner.run(copy_columns, real, params={"volume": 50.0}, db=mem,
                   request=failed.request_id)
    assert str(refused.value) == (
        f"request {failed.request_id} is frozen and this run differs: its devices are lh: "
        "BenchRobot (serial_number LH-0001) (the request is for lh: "
        "LiquidHandlerChatterboxBackend (PLR simulator); an approval covers its devices only); "
        "run the protocol as requested, or leave out request= to file a new request")
    assert received == [] and not real["lh"].setup_finished
    assert _runs(mem) == [(failed.request_id, "failed")]


PROTOCOL_FILE = textwrap.dedent('''
    from pylabrobot.liquid_handling import LiquidHandler
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.resources import STARLetDeck, TIP_CAR_480_A00, TipRack
    from pylabrobot.resources import hamilton_96_tiprack_1000uL_filter

    class StarDriver(LiquidHandlerChatterboxBackend):
        """The lab's driver of its STAR (here: it moves nothing)."""

    async def tips_only(lh: LiquidHandler, tips: TipRack, n: int = 1):
        for i in range(n):
            await lh.pick_up_tips(tips[f"A{i + 1}"])
            await lh.drop_tips(tips[f"A{i + 1}"])

    def _deck(backend):
        deck = STARLetDeck()
        car = TIP_CAR_480_A00(name="car")
        car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
        deck.assign_child_resource(car, rails=3)
        return {"lh": LiquidHandler(backend, deck=deck), "tips": tips}

    def simulator():
        return _deck(LiquidHandlerChatterboxBackend())

    def star():
        return _deck(StarDriver())
''')


def test_the_cli_refuses_a_simulator_approved_request_on_a_real_device(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, url = tmp_path / "tips.py", f"sqlite:///{tmp_path}/cli.db"
    path.write_text(PROTOCOL_FILE)
    assert main(["run", str(path), "--setup", "simulator", "--param", "n=13", "--db", url]) == 1
    capsys.readouterr()
    assert main(["run", str(path), "--setup", "star", "--param", "n=13", "--request", "1",
                 "--db", url]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("praxis-lab run: request 1 is frozen and this run differs: setup "
                          "'star' (the request has 'simulator'); its devices are lh: StarDriver "
                          "(the request is for lh: LiquidHandlerChatterboxBackend (PLR "
                          "simulator); an approval covers its devices only)")
    assert _runs(db.connect(url)) == [(1, "failed")]  # no second run: nothing moved


def test_a_request_blocked_for_a_real_device_is_not_approved_by_a_simulator_run_of_it(
        mem: Engine) -> None:
    real = on(BenchRobot())
    del real["dest"]
    received = spy(real)
    refused = runner.run(BROKEN, real, db=mem)
    assert (refused.status, refused.request_status) == ("refused", "blocked")
    simulator = make_setup()
    del simulator["dest"]
    with pytest.raises(RequestError, match="its devices are lh: LiquidHandlerChatterboxBackend "
                                           r"\(PLR simulator\) \(the request is for lh: "
                                           r"BenchRobot \(serial_number LH-0001\)"):
        runner.run(BROKEN, simulator, db=mem, request=refused.request_id)
    assert _request(mem, refused.request_id).status == "blocked"
    again = runner.run(BROKEN, real, db=mem, request=refused.request_id)
    assert (again.status, again.request_status) == ("refused", "blocked")
    assert received == []
    with Session(mem) as s:
        assert [a.approved for a in s.exec(select(ApprovalResult)).all()] == [False, False]


@pytest.mark.parametrize("name", ["LiquidHandlerChatterboxBackend", "OpentronsOT2Simulator"])
def test_a_backend_named_like_a_plr_simulator_is_a_real_device(mem: Engine, name: str) -> None:
    look_alike = type(name, (LiquidHandlerChatterboxBackend,), {"__module__": "lab_drivers"})
    setup = on(look_alike())
    del setup["dest"]
    received = spy(setup)
    refused = runner.run(BROKEN, setup, db=mem)
    assert (refused.status, refused.mode) == ("refused", "real")
    assert "no_tips @ line 3" in str(refused.error_message) and received == []
    ok = runner.run(copy_columns, on(look_alike()), params={"columns": 1}, db=mem)
    assert (ok.status, ok.mode) == ("completed", "real")
    assert _request(mem, ok.request_id).type == "run"
    assert _request(mem, ok.request_id).payload["devices"]["lh"]["backend"] == f"lab_drivers.{name}"


def test_the_gate_refuses_an_evaluation_made_for_other_devices(mem: Engine) -> None:
    r = Runner(copy_columns, on(BenchRobot()), params={"columns": 1}, db=mem)
    r.prepare()  # a request for the bench robot, approved for it
    frozen = _request(mem, r.request_id).payload
    other = audit.create_request({**frozen, "devices": frozen["devices"]}, target="BenchRobot",
                                 db=mem)
    assert other.id is not None
    simulator_devices = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    simulator_devices.prepare()
    passing = evaluate(Policy(), {"ok": True, "failure_modes": []},
                       "LiquidHandlerChatterboxBackend", devices=simulator_devices.devices)
    assert passing.allowed and passing.simulator
    with pytest.raises(RequestError) as refused:
        approvals.gate(other.id, passing, db=mem)
    assert str(refused.value) == (
        f"request {other.id} is for lh: BenchRobot (serial_number LH-0001), but this policy "
        "evaluation was made for lh: LiquidHandlerChatterboxBackend (PLR simulator): evaluate "
        "the policy for the request's own devices")
    assert _request(mem, other.id).status == "draft"
    with Session(mem) as s:
        assert s.exec(select(PolicyResult).where(PolicyResult.request_id == other.id)).all() == []
    own = evaluate(Policy(), {"ok": True, "failure_modes": []}, "BenchRobot", devices=r.devices)
    assert approvals.gate(other.id, own, db=mem).status == "approved"


def test_an_approval_for_one_robot_does_not_cover_another_of_the_same_model(
        mem: Engine) -> None:
    failed = runner.run(copy_columns, on(BenchRobot("LH-0001"), volume=30.0),
                        params={"volume": 50.0}, db=mem, override="wells topped up by hand")
    assert (failed.status, failed.mode) == ("failed", "real")
    twin = on(BenchRobot("LH-0002"))
    received = spy(twin)
    with pytest.raises(RequestError, match=r"its devices are lh: BenchRobot \(serial_number "
                                           r"LH-0002\) \(the request is for lh: BenchRobot "
                                           r"\(serial_number LH-0001\)"):
        runner.run(copy_columns, twin, params={"volume": 50.0}, db=mem, request=failed.request_id)
    assert received == []
    retry = runner.run(copy_columns, on(BenchRobot("LH-0001")), params={"volume": 50.0}, db=mem,
                       request=failed.request_id)
    assert (retry.status, retry.request_status) == ("completed", "complete")


def test_a_real_machine_on_the_deck_makes_the_run_real_and_is_bound_too(mem: Engine) -> None:
    setup = on(LiquidHandlerChatterboxBackend(), reader=BenchReader())
    del setup["dest"]
    received = spy(setup)
    refused = runner.run(BROKEN, setup, db=mem)
    assert (refused.status, refused.mode) == ("refused", "real") and received == []
    failed = runner.run(copy_columns, on(LiquidHandlerChatterboxBackend(), volume=30.0,
                                         reader=BenchReader()), params={"volume": 50.0}, db=mem,
                        override="wells topped up by hand")
    assert (failed.status, failed.mode, failed.request_status) == ("failed", "real", "executing")
    swapped = on(LiquidHandlerChatterboxBackend(), reader=PlateReaderChatterboxBackend())
    with pytest.raises(RequestError, match=r"reader: PlateReaderChatterboxBackend \(PLR "
                                           r"simulator\) \(the request is for lh: "
                                           r"LiquidHandlerChatterboxBackend \(PLR simulator\); "
                                           r"reader: BenchReader;"):
        runner.run(copy_columns, swapped, params={"volume": 50.0}, db=mem,
                   request=failed.request_id)


async def slow_to_check(lh: LiquidHandler, tips: TipRack, work: int = 3_000_000) -> None:
    """Pure Python work the simulation is not given time for (its budget is cut to
    0.05 s below): the check stops at its time limit and is not complete."""
    total = 0
    for i in range(work):
        total += i
    await lh.pick_up_tips(tips["A1"])
    await lh.drop_tips(tips["A1"])


async def copy_up_to(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     columns: int = 2) -> None:
    """Fails past the plate's 12 columns (tips["A13:H13"]), never with its default."""
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[50.0] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[50.0] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])


def _tips_only(backend: Any) -> dict[str, Any]:
    setup = on(backend)
    del setup["source"], setup["dest"]
    return setup


def test_an_incomplete_simulation_never_auto_approves_a_real_device(
        mem: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limit, "_BUDGET", [0.05])  # every simulation of this test
    setup = _tips_only(BenchRobot())
    received = spy(setup)
    refused = runner.run(slow_to_check, setup, db=mem)
    assert refused.status == "refused" and received == []
    assert refused.decision is not None
    assert any(r.startswith("simulation_complete: the simulation is not complete (timeout: ")
               for r in refused.decision.reasons), refused.decision.reasons
    human = runner.run(slow_to_check, _tips_only(BenchRobot()), db=mem,
                       override="the loop only sums numbers; checked by hand")
    assert (human.status, human.mode) == ("completed", "real")
    assert human.decision is not None and human.decision.overridden
    on_simulator = runner.run(slow_to_check, _tips_only(LiquidHandlerChatterboxBackend()),
                              db=mem)
    assert (on_simulator.status, on_simulator.mode) == ("completed", "mock")
    with Session(mem) as s:
        note = s.exec(select(PolicyResult.reason).where(
            PolicyResult.request_id == on_simulator.request_id,
            PolicyResult.rule == "simulation_complete")).one()
    assert "not complete (timeout" in note and "is a simulator" in note


def test_a_real_device_run_is_gated_on_its_own_values_not_on_others_it_never_takes(
        mem: Engine) -> None:
    assert not simulate(copy_up_to).ok  # columns > 12 runs past the tip rack
    setup = on(BenchRobot())
    received = spy(setup)
    done = runner.run(copy_up_to, setup, db=mem)  # the default, 2 columns
    assert (done.status, done.mode) == ("completed", "real"), done.decision
    assert len(received) == 8
    past = runner.run(copy_up_to, on(BenchRobot()), params={"columns": 13}, db=mem)
    assert past.status == "refused" and past.decision is not None
    assert any("simulation_ok" in r for r in past.decision.reasons), past.decision.reasons
    request = _request(mem, done.request_id)
    assert request.payload["parameters"] == {}  # what was asked, as asked


def test_a_real_devices_time_limit_is_the_estimate_from_past_calls_times_the_factor(
        mem: Engine) -> None:
    runner.run(copy_columns, make_setup(), db=mem)  # history: 8 calls
    r = Runner(copy_columns, on(BenchRobot()), db=mem,
               policy=Policy(min_time_limit_s=0.0, time_limit_factor=4.0))
    r.prepare()
    estimate = frames.estimate_runtime(r.report, mem)
    assert estimate is not None and estimate > 0
    assert r.decision is not None and r.decision.time_limit_s == pytest.approx(estimate * 4.0)
    r.abort()
    assert asyncio.run(r.execute()).status == "canceled"


VOLUME = textwrap.dedent("""
    async def xfer(lh: LiquidHandler, tips: TipRack, source: Plate, volume: float = 50.0):
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(source["A1"], vols=[volume])
        await lh.dispense(source["B1"], vols=[volume])
        await lh.drop_tips(tips["A1"])
""")


@pytest.mark.parametrize("volume", [math.nan, -50.0, math.inf])
@pytest.mark.parametrize("backend", [LiquidHandlerChatterboxBackend, BenchRobot])
def test_a_volume_that_is_not_a_number_at_least_0_is_refused_before_anything_moves(
        mem: Engine, volume: float, backend: type) -> None:
    setup = on(backend())
    del setup["dest"]
    received = spy(setup)
    record = runner.run(VOLUME, setup, params={"volume": volume}, db=mem,
                        override="the volume is fine")
    assert record.status == "refused" and received == [] and not setup["lh"].setup_finished
    assert record.decision is not None and record.decision.reasons[0].startswith(
        f"volumes_valid: aspirate @ line 4 moves {volume:g} µL; dispense @ line 5 moves "
        f"{volume:g} µL: a volume must be a finite number ≥ 0 µL")
    with pytest.raises(RequestError, match=r"cannot be approved: volumes_valid: .*no override"):
        approvals.approve(record.request_id, "I checked", db=mem)  # type: ignore[arg-type]


VOLUME_FILE = textwrap.dedent("""
    from pylabrobot.liquid_handling import LiquidHandler
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.resources import (PLT_CAR_L5AC_A00, STARLetDeck, TIP_CAR_480_A00, Plate,
        TipRack, cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter)

    async def xfer(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 50.0):
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(plate["A1"], vols=[volume])
        await lh.dispense(plate["B1"], vols=[volume])
        await lh.drop_tips(tips["A1"])

    def make_deck():
        deck = STARLetDeck()
        tc = TIP_CAR_480_A00("tc")
        tc[0] = tips = hamilton_96_tiprack_1000uL_filter("tips")
        pc = PLT_CAR_L5AC_A00("pc")
        pc[0] = plate = cor_96_wellplate_360uL_Fb("plate")
        deck.assign_child_resource(tc, rails=1)
        deck.assign_child_resource(pc, rails=8)
        plate.get_item("A1").tracker.set_volume(200)
        return {"lh": LiquidHandler(LiquidHandlerChatterboxBackend(), deck), "tips": tips,
                "plate": plate}
""")


@pytest.mark.parametrize("volume", ["nan", "-50"])
def test_praxis_lab_run_with_a_bad_volume_is_refused_before_anything_moves(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], volume: str) -> None:
    path, url = tmp_path / "xfer.py", f"sqlite:///{tmp_path}/cli.db"
    path.write_text(VOLUME_FILE)
    code = main(["run", str(path), "--setup", "make_deck", "--param", f"volume={volume}",
                 "--db", url])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert out.strip().endswith("refused: 0 calls (mock, LiquidHandlerChatterboxBackend; "
                                "request 1 blocked)")
    v = float(volume)
    assert err.startswith(f"blocked: volumes_valid: aspirate @ line 9 moves {v:g} µL; dispense "
                          f"@ line 10 moves {v:g} µL: a volume must be a finite number ≥ 0 µL")
    assert "Setting up the liquid handler" not in out  # PLR's chatterbox never started
    assert _runs(db.connect(url)) == [(1, "refused")]


def test_a_policy_treating_plrs_simulator_as_real_still_binds_its_devices(mem: Engine) -> None:
    record = runner.run(copy_columns, make_setup(), params={"columns": 1}, db=mem,
                        policy=AS_REAL)
    assert (record.status, record.mode) == ("completed", "real")
    request = _request(mem, record.request_id)
    assert request.type == "run" and request.payload["devices"]["lh"]["simulator"] is True
