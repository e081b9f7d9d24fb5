"""Runs that drive more machines than the liquid handler: every machine is set up before and
stopped after, and each of its calls is logged naming it."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pylabrobot.centrifuge import Centrifuge, Loader
from pylabrobot.centrifuge.chatterbox import CentrifugeChatterboxBackend, LoaderChatterboxBackend
from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import praxis_lab
from praxis_lab.execution import runner
from praxis_lab.execution.runner import Runner
from praxis_lab.protocol.loading import load, resolve_setup
from praxis_lab.store import db
from praxis_lab.store.db import FunctionCallLog

CORPUS = Path(__file__).parent / "corpus"


class BenchShaker(HeaterShakerChatterboxBackend):
    """A lab's own heater shaker driver: not one of PLR's simulators."""


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """PLR's chatterboxes print every call; keep the test output readable."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def bench(shaker: Any = None) -> dict[str, Any]:
    """A STARlet with a plate on a carrier, a heater shaker and a plate reader beside it."""
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hs = HeaterShaker(name="hs", size_x=147, size_y=104, size_z=116,
                      backend=shaker or HeaterShakerChatterboxBackend(),
                      child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs, location=Coordinate(1030, 0, 0))
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    return {"lh": lh, "plate": plate, "hs": hs}


def watch(setup: dict[str, Any]) -> list[str]:
    """What each machine's backend is asked to do, in order: ``hs.setup``, ``reader.stop``..."""
    seen: list[str] = []
    machines = {"lh": setup["lh"], "hs": setup["hs"],
                "reader": setup["lh"].deck.get_resource("reader")}
    for name, machine in machines.items():
        backend = machine.backend
        for method in ("setup", "stop", "start_shaking", "read_absorbance"):
            original = getattr(backend, method, None)
            if original is None:
                continue

            async def spied(*args: Any, _what: str = f"{name}.{method}",
                            _original: Any = original, **kwargs: Any) -> Any:
                seen.append(_what)
                return await _original(*args, **kwargs)

            setattr(backend, method, spied)
    return seen


async def shake_and_read(lh: LiquidHandler, plate: Plate, hs: HeaterShaker,
                         seconds: float = 0.01) -> Any:
    """Shake the plate, wait, read it on the reader found on the deck."""
    reader = lh.deck.get_resource("reader")
    home = plate.parent
    await lh.move_plate(plate, hs)
    await hs.shake(speed=600, duration=seconds)
    await asyncio.sleep(seconds)
    await lh.move_plate(plate, reader)
    result = await reader.read_absorbance(wavelength=450)
    await lh.move_plate(plate, home)
    return result


async def reads_an_empty_reader(lh: LiquidHandler, plate: Plate, hs: HeaterShaker) -> None:
    reader = lh.deck.get_resource("reader")
    await hs.set_temperature(37)
    await reader.read_absorbance(wavelength=450)  # the plate is still on its carrier


@pytest.fixture
def mem() -> Engine:
    return db.connect("sqlite://")


def _log(engine: Engine, run_id: int) -> list[tuple[str | None, str, str | None]]:
    with Session(engine) as s:
        rows = s.exec(select(FunctionCallLog).where(FunctionCallLog.run_id == run_id)
                      .order_by(FunctionCallLog.seq)).all()  # type: ignore[arg-type]
        return [(r.receiver, r.method, r.error) for r in rows]


def test_every_machine_is_set_up_before_the_first_call_and_stopped_after_the_last(
        mem: Engine) -> None:
    setup = bench()
    seen = watch(setup)
    with quiet():
        record = runner.run(shake_and_read, setup, db=mem)
    assert record.status == "completed"
    assert seen == ["lh.setup", "hs.setup", "reader.setup", "hs.start_shaking",
                    "reader.read_absorbance", "reader.stop", "hs.stop", "lh.stop"]


def test_the_call_log_names_the_machine_of_each_call_found_as_a_parameter_or_on_the_deck(
        mem: Engine) -> None:
    with quiet():
        record = runner.run(shake_and_read, bench(), db=mem)
    assert _log(mem, record.run_id) == [
        ("lh", "move_plate", None), ("hs", "shake", None), ("lh", "move_plate", None),
        ("reader", "read_absorbance", None), ("lh", "move_plate", None)]
    # the shaker's own stop_shaking inside shake() is not a call of the protocol, nor the sleep
    assert (record.calls, record.expected_ops) == (5, 5)
    assert praxis_lab.calls(record.run_id, db=mem)["receiver"].tolist() == [
        "lh", "hs", "lh", "reader", "lh"]


def test_log_messages_name_the_machine_too(mem: Engine) -> None:
    r = Runner(shake_and_read, bench(), db=mem)
    got: list[dict[str, Any]] = []
    r.subscribe(got.append)
    with quiet():
        asyncio.run(r.execute())
    assert [(m["receiver"], m["method"]) for m in got if m["type"] == "log"][1:4] == [
        ("hs", "shake"), ("lh", "move_plate"), ("reader", "read_absorbance")]


def test_a_machine_call_that_fails_is_logged_and_every_machine_is_still_stopped(
        mem: Engine) -> None:
    setup = bench()
    seen = watch(setup)
    with quiet():
        record = runner.run(reads_an_empty_reader, setup, db=mem)
    assert (record.status, record.error_code) == ("failed", "NoPlateError")
    receiver, method, error = _log(mem, record.run_id)[-1]
    assert (receiver, method) == ("reader", "read_absorbance")
    assert error is not None and error.startswith("NoPlateError")
    assert seen[-3:] == ["reader.stop", "hs.stop", "lh.stop"]


def test_an_aborted_run_stops_every_machine_and_no_machine_call_goes_through(
        mem: Engine) -> None:
    setup = bench()
    seen = watch(setup)
    r = Runner(shake_and_read, setup, db=mem)
    r.subscribe(lambda m: r.abort() if m["type"] == "log" and m["seq"] == 1 else None)
    with quiet():
        record = asyncio.run(r.execute())
    assert record.status == "canceled"
    assert "hs.start_shaking" not in seen and seen[-3:] == ["reader.stop", "hs.stop", "lh.stop"]
    assert _log(mem, record.run_id) == [("lh", "move_plate", None)]


def test_outside_a_run_the_same_machines_are_not_logged(mem: Engine) -> None:
    setup = bench()
    with quiet():
        runner.run(shake_and_read, setup, db=mem)
        asyncio.run(setup["hs"].setup())
        asyncio.run(setup["hs"].shake(speed=300, duration=0.01))  # after the run: PLR's own
    with Session(mem) as s:
        assert len(s.exec(select(FunctionCallLog)).all()) == 5


def test_a_machine_with_a_driver_of_its_own_makes_the_run_real_and_gated(mem: Engine) -> None:
    setup = bench(BenchShaker())
    seen = watch(setup)
    with quiet():
        refused = runner.run(reads_an_empty_reader, setup, db=mem)
    assert (refused.status, refused.mode) == ("refused", "real") and seen == []
    reason = "; ".join(refused.decision.reasons) if refused.decision else ""
    assert "no_plate" in reason and "BenchShaker is a real device" in reason
    with quiet():
        ok = runner.run(shake_and_read, bench(BenchShaker()), db=mem)
    assert (ok.status, ok.mode) == ("completed", "real")
    assert ok.decision is not None and ok.decision.time_limit_s is not None


@pytest.mark.parametrize("name", ["ok_elisa_readout", "ok_reader_found_on_deck",
                                  "ok_centrifuge_spin_and_read", "ok_incubator_feed",
                                  "ok_pcr_setup_cold_block", "ok_thermocycler_profile"])
def test_corpus_protocols_with_machines_run_on_the_chatterboxes_with_every_call_logged(
        mem: Engine, name: str) -> None:
    path = CORPUS / f"{name}.py"
    loaded = load(path)
    params = {p.name: 0.01 for p in loaded.info.params
              if p.has_default and isinstance(p.default, int | float) and "_s" in p.name}
    with quiet():
        record = runner.run(path, resolve_setup(loaded, "setup"), params=params, db=mem)
    assert record.status == "completed", record.error_message
    receivers = {r for r, _, _ in _log(mem, record.run_id)}
    assert receivers - {"lh"}, "a machine's calls are logged"
    assert record.calls == record.expected_ops


def test_praxis_lab_run_on_the_command_line_logs_every_machine_of_the_elisa_read_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from praxis_lab.cli import main

    url = f"sqlite:///{tmp_path}/cli.db"
    code = main(["run", str(CORPUS / "ok_elisa_readout.py"), "--setup", "setup",
                 "--param", "incubation_s=0.01", "--db", url])
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert code == 0 and out.startswith("run 1 elisa_readout completed: 54 calls")
    log = praxis_lab.calls(1, db=url)
    assert log.groupby("receiver")["method"].agg(list).to_dict() == {
        "hs": ["set_temperature", "shake"], "lh": log[log.receiver == "lh"].method.tolist(),
        "reader": ["read_absorbance"]}


def test_praxis_run_in_a_notebook_runs_the_machines_of_the_cell(ip: Any, tmp_path: Path) -> None:
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path / 'runs.db'}")
    cell = (CORPUS / "ok_elisa_readout.py").read_text()
    with quiet():
        ip.run_cell_magic("praxis", "run --setup setup --param incubation_s=0.01 --start", cell)
        record = ip.user_ns["_praxis_run"].wait(timeout=60)
    assert record.status == "completed" and record.calls == record.expected_ops == 54
    receivers = praxis_lab.calls(record.run_id, db=f"sqlite:///{tmp_path / 'runs.db'}")["receiver"]
    assert set(receivers) == {"lh", "hs", "reader"}


class BenchCentrifuge(CentrifugeChatterboxBackend):
    """A lab's own centrifuge driver: not one of PLR's simulators."""


def spin_bench(centrifuge_backend: Any = None) -> dict[str, Any]:
    """Only the loader stands on the deck: its centrifuge is reached through it."""
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    centrifuge = Centrifuge(backend=centrifuge_backend or CentrifugeChatterboxBackend(),
                            name="centrifuge", size_x=381, size_y=406, size_z=381)
    loader = Loader(backend=LoaderChatterboxBackend(), centrifuge=centrifuge, name="loader",
                    size_x=127.76, size_y=85.48, size_z=20, child_location=Coordinate.zero())
    lh.deck.assign_child_resource(loader, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "plate": plate, "loader": loader}


async def spin_through_the_loader(lh: LiquidHandler, plate: Plate, loader: Loader) -> None:
    centrifuge = loader.centrifuge
    await lh.move_plate(plate, loader)
    await centrifuge.open_door()
    await centrifuge.go_to_bucket1()
    await loader.load()
    await centrifuge.close_door()
    await centrifuge.spin(g=300, duration=0.01, acceleration=0.5)


def test_a_machine_reached_through_another_is_set_up_logged_stopped_and_approved_for(
        mem: Engine) -> None:
    setup = spin_bench()
    centrifuge = setup["loader"].centrifuge
    with quiet():
        record = runner.run(spin_through_the_loader, setup, db=mem)
    assert record.status == "completed", record.error_message
    assert [r for r, _, _ in _log(mem, record.run_id)] == [
        "lh", "centrifuge", "centrifuge", "loader", "centrifuge", "centrifuge"]
    assert record.calls == record.expected_ops == 6
    assert not centrifuge.setup_finished  # set up for the run, stopped after it
    assert record.decision is not None and set(record.decision.devices or {}) == {
        "lh", "loader", "centrifuge"}
    with quiet():
        real = runner.run(spin_through_the_loader, spin_bench(BenchCentrifuge()), db=mem)
    assert (real.status, real.mode) == ("completed", "real")


def test_two_runs_at_once_each_log_only_their_own_machines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/two.db"
    runs = [Runner(shake_and_read, bench(), db=url, params={"seconds": 0.2}) for _ in range(2)]
    with quiet():
        for r in runs:
            r.start()  # each on its own thread, both shaking at the same time
        records = [r.wait(timeout=60) for r in runs]
    assert [r.status for r in records if r is not None] == ["completed", "completed"]
    for record in records:
        assert record is not None
        log = praxis_lab.calls(record.run_id, db=url)
        assert log["receiver"].tolist() == ["lh", "hs", "lh", "reader", "lh"]
