"""The runner: real PLR LiquidHandler + chatterbox backend, every call logged and checked."""

from __future__ import annotations

import asyncio
import getpass
import logging
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    does_tip_tracking,
    does_volume_tracking,
    hamilton_96_tiprack_1000uL_filter,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from praxis_lab.cli import commands
from praxis_lab.execution import runner
from praxis_lab.execution.policy import Policy
from praxis_lab.execution.runner import PolicyBlocked, Runner
from praxis_lab.store import db
from praxis_lab.store.audit import RequestError
from praxis_lab.store.calllog import resource_name
from praxis_lab.store.db import (
    ApprovalResult,
    AssetRequirement,
    FunctionCallLog,
    FunctionProtocolDefinition,
    ParameterDefinition,
    PolicyResult,
    ProtocolRun,
)

SPIED = ("pick_up_tips", "aspirate", "dispense", "drop_tips")
AS_REAL = Policy(simulator_backends=frozenset())  # treat the chatterbox as a real robot


def make_setup(volume: float = 200.0) -> dict[str, Any]:
    """A STARlet with a 1000 µL filter tip rack and two Corning 96 plates."""
    deck = STARLetDeck()
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plate_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    deck.assign_child_resource(tip_car, rails=3)
    deck.assign_child_resource(plate_car, rails=15)
    for well in source.get_all_items():
        well.tracker.set_volume(volume)
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}


def spy(setup: dict[str, Any], fail_at: tuple[str, int, BaseException] | None = None
        ) -> list[tuple[str, list[str], list[float]]]:
    """Record what the backend receives: (method, resource names, volumes) per call."""
    backend = setup["lh"].backend
    received: list[tuple[str, list[str], list[float]]] = []
    for name in SPIED:
        original = getattr(backend, name)

        async def spied(ops: list[Any], *args: Any, _name: str = name,
                        _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            received.append((_name, [resource_name(op.resource) for op in ops],
                             [float(getattr(op, "volume", 0.0)) for op in ops]))
            if fail_at and fail_at[0] == _name and sum(
                    1 for r in received if r[0] == _name) == fail_at[1]:
                raise fail_at[2]
            return await _original(ops, *args, **kwargs)

        setattr(backend, name, spied)
    return received


async def copy_columns(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                       volume: float = 100.0, columns: int = 2) -> None:
    for col in range(1, min(columns, 12) + 1):  # the plate's columns at most: ok for any count
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])


async def uses_the_handler_like_plr(lh: LiquidHandler, tips: TipRack, source: Plate) -> None:
    assert isinstance(lh, LiquidHandler)
    assert lh.deck.get_resource("source") is source
    assert isinstance(lh.backend, LiquidHandlerChatterboxBackend)
    assert lh.setup_finished and len(lh.head) == 8
    assert does_tip_tracking() and does_volume_tracking()
    with lh.use_channels([0]):
        await lh.pick_up_tips(tips["A1"])
    assert lh.head[0].has_tip
    await lh.aspirate(source["A1"], vols=[10.0])
    await lh.dispense(source["B1"], vols=[10.0])
    await lh.drop_tips(tips["A1"])


@pytest.fixture
def mem() -> Engine:
    """An in-memory store: the runner's behaviour does not depend on the store kind."""
    return db.connect("sqlite://")


def _calls(engine: Engine, run_id: int) -> list[FunctionCallLog]:
    with Session(engine) as s:
        return list(s.exec(select(FunctionCallLog).where(FunctionCallLog.run_id == run_id)
                           .order_by(FunctionCallLog.seq)).all())  # type: ignore[arg-type]


def _run_row(engine: Engine, run_id: int) -> ProtocolRun:
    with Session(engine) as s:
        row = s.get(ProtocolRun, run_id)
        assert row is not None
        return row


def test_every_call_is_logged_in_order_exactly_as_the_backend_received_it(store: Engine) -> None:
    setup = make_setup()
    received = spy(setup)
    record = runner.run(copy_columns, setup, params={"volume": 50.0}, db=store)
    assert record.status == "completed" and record.calls == 8 == record.expected_ops
    logged = [(c.method, c.arguments.get("tip_spots") or c.arguments["resources"],
               [float(v) for v in c.arguments.get("vols", [0.0] * 8)])
              for c in _calls(store, record.run_id)]
    assert logged == received
    assert received[1] == ("aspirate", [f"source[{r}1]" for r in "ABCDEFGH"], [50.0] * 8)
    assert [c.seq for c in _calls(store, record.run_id)] == list(range(1, 9))


def test_a_call_row_holds_timing_consumption_and_no_error(mem: Engine) -> None:
    record = runner.run(copy_columns, make_setup(), db=mem)
    pick, aspirate = _calls(mem, record.run_id)[:2]
    assert (pick.tips, pick.volume_ul, aspirate.tips, aspirate.volume_ul) == (8, 0.0, 0, 800.0)
    assert aspirate.error is None and aspirate.result is None
    assert aspirate.duration_ms > 0 and aspirate.ended_at >= aspirate.started_at


def test_a_completed_run_stores_its_definition_gate_and_timestamps(store: Engine) -> None:
    record = runner.run(copy_columns, make_setup(), params={"volume": 20.0}, db=store)
    row = _run_row(store, record.run_id)
    assert (row.status, row.mode, row.backend) == (
        "completed", "mock", "LiquidHandlerChatterboxBackend")
    assert row.parameters == {"volume": 20.0} and row.issued_by == getpass.getuser()
    assert row.started_at and row.ended_at and row.duration_s and row.duration_s > 0
    with Session(store) as s:
        definition = s.exec(select(FunctionProtocolDefinition)).one()
        assert definition.name == "copy_columns" and definition.simulation is not None
        assert definition.simulation["ok"] is True and row.definition_id == definition.id
        params = s.exec(select(ParameterDefinition).order_by(ParameterDefinition.position)).all()
        assert [(p.name, p.kind) for p in params] == [
            ("lh", "machine"), ("tips", "labware"), ("source", "labware"),
            ("dest", "labware"), ("volume", "value"), ("columns", "value")]
        assert params[4].default == 100.0
        assets = s.exec(select(AssetRequirement.name)).all()
        assert sorted(assets) == ["dest", "lh", "source", "tips"]
        rules = s.exec(select(PolicyResult.rule, PolicyResult.decision)).all()
        assert len(rules) == 8 and all(d == "ALLOW" for _, d in rules)
        approval = s.exec(select(ApprovalResult)).one()
        assert (approval.approved, approval.approved_by, approval.human_override) == (
            True, "policy", False)


def test_a_second_run_reuses_the_definition_of_the_same_source(mem: Engine) -> None:
    runner.run(copy_columns, make_setup(), db=mem)
    runner.run(copy_columns, make_setup(), db=mem)
    with Session(mem) as s:
        assert len(s.exec(select(FunctionProtocolDefinition)).all()) == 1
        assert len(s.exec(select(ProtocolRun)).all()) == 2


def test_subscribers_get_status_log_progress_and_a_final_response(mem: Engine) -> None:
    got: list[dict[str, Any]] = []
    r = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    r.subscribe(got.append)
    record = asyncio.run(r.execute())
    rid = record.run_id
    kinds = [m["type"] for m in got]
    assert kinds == ["status", "request", "status"] + ["log", "progress"] * 4 + [
        "status", "request", "response"]
    assert [m["request"]["status"] for m in got if m["type"] == "request"] == [
        "executing", "complete"]
    assert [m["status"] for m in got if m["type"] == "status"] == [
        "pending", "running", "completed"]
    log = got[5]
    assert set(log) == {"type", "run_id", "seq", "method", "arguments", "duration_ms", "error",
                        "receiver"}
    assert (log["run_id"], log["seq"], log["method"], log["error"]) == (rid, 2, "aspirate", None)
    assert log["arguments"]["resources"][0] == "source[A1]"
    progress = [m for m in got if m["type"] == "progress"]
    assert [(p["done"], p["expected"]) for p in progress] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert progress[-1]["eta_s"] == 0 and progress[0]["eta_s"] > 0
    assert got[-1] == {"type": "response", "control": {
        "run_id": rid, "mode": "mock", "status": "success", "error": None}}


def test_the_proxy_passes_attributes_context_managers_and_isinstance_through(
        mem: Engine) -> None:
    setup = make_setup()
    del setup["dest"]
    record = runner.run(uses_the_handler_like_plr, setup, db=mem)
    assert record.status == "completed", record.error_message
    assert [c.method for c in _calls(mem, record.run_id)] == [
        "pick_up_tips", "aspirate", "dispense", "drop_tips"]
    assert _calls(mem, record.run_id)[0].arguments == {"tip_spots": ["tips[A1]"]}


def test_trackers_are_restored_and_a_handler_it_set_up_is_stopped(mem: Engine) -> None:
    setup = make_setup()
    assert not does_tip_tracking() and not setup["lh"].setup_finished
    runner.run(copy_columns, setup, params={"columns": 1}, db=mem)
    assert not does_tip_tracking() and not does_volume_tracking()
    assert not setup["lh"].setup_finished


def test_a_handler_already_set_up_is_left_running(mem: Engine) -> None:
    setup = make_setup()
    asyncio.run(setup["lh"].setup())
    record = runner.run(copy_columns, setup, params={"columns": 1}, db=mem)
    assert record.ok and setup["lh"].setup_finished


def test_a_plr_error_fails_the_run_with_its_class_and_logs_the_failing_call(
        store: Engine) -> None:
    got: list[dict[str, Any]] = []
    r = Runner(copy_columns, make_setup(volume=30.0), params={"volume": 50.0}, db=store)
    r.subscribe(got.append)
    record = asyncio.run(r.execute())
    assert (record.status, record.error_code) == ("failed", "TooLittleLiquidError")
    calls = _calls(store, record.run_id)
    assert [c.method for c in calls] == ["pick_up_tips", "aspirate"]
    assert calls[-1].error is not None and calls[-1].error.startswith("TooLittleLiquidError")
    row = _run_row(store, record.run_id)
    assert row.status == "failed" and row.error_message == record.error_message
    assert got[-1]["control"]["status"] == "error"
    assert got[-1]["control"]["error"]["code"] == "TooLittleLiquidError"


def test_a_subscriber_that_raises_is_logged_and_the_run_goes_on(
        mem: Engine, caplog: pytest.LogCaptureFixture) -> None:
    def broken(message: dict[str, Any]) -> None:
        raise ValueError("widget went away")

    r = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    r.subscribe(broken)
    with caplog.at_level(logging.ERROR, logger="praxis_lab.execution.runner"):
        record = asyncio.run(r.execute())
    assert record.status == "completed" and record.calls == 4
    assert "subscriber" in caplog.text and "widget went away" in caplog.text


def test_pause_holds_the_next_call_until_resume(mem: Engine) -> None:
    setup = make_setup()
    received = spy(setup)
    r = Runner(copy_columns, setup, params={"columns": 1}, db=mem)
    statuses: list[str] = []
    r.subscribe(lambda m: statuses.append(m["status"]) if m["type"] == "status" else None)
    r.subscribe(lambda m: r.pause() if m["type"] == "log" and m["seq"] == 2 else None)

    async def scenario() -> runner.RunRecord:
        paused = asyncio.Event()
        r.subscribe(lambda m: paused.set() if m.get("status") == "paused" else None)
        task = asyncio.get_running_loop().create_task(r.execute())
        await asyncio.wait_for(paused.wait(), 30)
        # The chatterbox never suspends: this coroutine runs again only once the run's
        # task waits, and the only wait in its way is the pause before call 3.
        held = len(received), len(_calls(mem, r.run_id)), task.done()  # type: ignore[arg-type]
        r.resume()
        record = await task
        assert held == (2, 2, False)
        return record

    record = asyncio.run(scenario())
    assert record.status == "completed" and len(received) == 4
    assert statuses == ["pending", "running", "paused", "running", "completed"]


@pytest.mark.parametrize("while_paused", [False, True])
def test_abort_cancels_the_run_and_nothing_more_reaches_the_backend(
        mem: Engine, while_paused: bool) -> None:
    setup = make_setup()
    received = spy(setup)
    r = Runner(copy_columns, setup, db=mem)
    got: list[dict[str, Any]] = []
    r.subscribe(got.append)

    def on_log(m: dict[str, Any]) -> None:
        if m["type"] == "log" and m["seq"] == 3:
            if while_paused:
                r.pause()
            r.abort()

    r.subscribe(on_log)
    record = asyncio.run(r.execute())
    assert (record.status, record.error_code) == ("canceled", "Canceled")
    assert len(received) == 3 and len(_calls(mem, record.run_id)) == 3
    assert _run_row(mem, record.run_id).status == "canceled"
    assert got[-1]["control"]["status"] == "error"
    assert got[-1]["control"]["error"]["code"] == "Canceled"


def test_keyboard_interrupt_cancels_the_run_and_reaches_the_caller(mem: Engine) -> None:
    setup = make_setup()
    received = spy(setup, fail_at=("aspirate", 1, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        runner.run(copy_columns, setup, db=mem)
    with Session(mem) as s:
        row = s.exec(select(ProtocolRun)).one()
    assert (row.status, row.error_code) == ("canceled", "KeyboardInterrupt")
    calls = _calls(mem, row.id)  # type: ignore[arg-type]
    assert [c.method for c in calls] == ["pick_up_tips", "aspirate"]
    assert calls[-1].error == "KeyboardInterrupt: " and len(received) == 2


BROKEN = textwrap.dedent("""
    async def broken(lh: LiquidHandler, tips: TipRack, source: Plate):
        await lh.aspirate(source["A1"], vols=[10.0])
""")


def test_a_policy_block_stores_a_refused_run_and_nothing_reaches_the_device(
        mem: Engine) -> None:
    setup = make_setup()
    received = spy(setup)
    del setup["dest"]
    got: list[dict[str, Any]] = []
    r = Runner(BROKEN, setup, db=mem, policy=AS_REAL)
    r.subscribe(got.append)
    record = asyncio.run(r.execute())
    assert record.status == "refused" and record.mode == "real"
    assert record.error_code == "PolicyBlock" and "no_tips @ line 3" in str(record.error_message)
    assert received == [] and not setup["lh"].setup_finished
    assert _calls(mem, record.run_id) == []
    row = _run_row(mem, record.run_id)
    assert (row.status, row.started_at, row.duration_s) == ("refused", None, None)
    with Session(mem) as s:
        approval = s.exec(select(ApprovalResult)).one()
        assert not approval.approved and approval.policy_blocks == record.decision.reasons  # type: ignore[union-attr]
    assert [m.get("status") for m in got if m["type"] == "status"] == ["pending", "refused"]
    assert got[-1]["control"]["error"]["code"] == "PolicyBlock"


def test_start_raises_policy_blocked_after_storing_the_refusal(mem: Engine) -> None:
    setup = make_setup()
    del setup["dest"]
    with pytest.raises(PolicyBlocked, match=r"refused: simulation_ok: the simulation found"):
        runner.start(BROKEN, setup, db=mem, policy=AS_REAL)
    with Session(mem) as s:
        assert s.exec(select(ProtocolRun.status)).all() == ["refused"]


def test_an_override_reason_runs_a_failing_protocol_and_records_who_and_why(
        mem: Engine) -> None:
    setup = make_setup()
    received = spy(setup)
    del setup["dest"]
    record = runner.run(BROKEN, setup, db=mem, policy=AS_REAL,
                        override="tips are mounted by hand")
    assert record.status == "failed" and record.error_code == "NoTipError"
    assert received == []  # PLR itself refused the aspirate: the run really reached PLR
    assert [c.error for c in _calls(mem, record.run_id)] == [
        "NoTipError: Channel 0 does not have a tip."]
    assert record.decision is not None and record.decision.overridden
    with Session(mem) as s:
        approval = s.exec(select(ApprovalResult)).one()
    assert (approval.approved, approval.human_override, approval.approved_by, approval.reason) == (
        True, True, getpass.getuser(), "tips are mounted by hand")


def test_run_works_inside_a_running_event_loop(mem: Engine) -> None:
    async def notebook_cell() -> runner.RunRecord:
        return runner.run(copy_columns, make_setup(), params={"columns": 1}, db=mem)

    assert asyncio.run(notebook_cell()).status == "completed"


def test_start_in_a_running_loop_returns_a_runner_whose_task_can_be_awaited(
        mem: Engine) -> None:
    async def notebook_cell() -> runner.RunRecord:
        r = runner.start(copy_columns, make_setup(), params={"columns": 1}, db=mem)
        assert r.task is not None and r.status == "pending"
        return await r.task

    assert asyncio.run(notebook_cell()).calls == 4


def test_start_without_a_loop_runs_in_the_background_and_wait_returns_the_record(
        mem: Engine) -> None:
    r = runner.start(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    record = r.wait(timeout=30)
    assert record is not None and record.status == "completed" and r.status == "completed"


def test_run_async_runs_a_protocol_given_as_source_with_a_setup_function(
        mem: Engine) -> None:
    source = textwrap.dedent("""
        async def one_tip(lh: LiquidHandler, tips: TipRack):
            await lh.pick_up_tips(tips["A1"])
            await lh.drop_tips(tips["A1"])
    """)
    def lh_and_tips() -> dict[str, Any]:
        setup = make_setup()
        return {"lh": setup["lh"], "tips": setup["tips"]}

    record = asyncio.run(runner.run_async(source, lh_and_tips, db=mem))
    assert record.status == "completed" and record.calls == 2


def test_a_setup_without_a_liquid_handler_is_a_protocol_error_naming_the_fix(
        mem: Engine) -> None:
    from praxis_lab.protocol.analyse import ProtocolError

    setup = make_setup()
    del setup["lh"], setup["dest"]
    source = "async def p(lh: LiquidHandler, tips: TipRack, source: Plate):\n    pass\n"
    with pytest.raises(ProtocolError, match="gives no LiquidHandler"):
        runner.run(source, setup, db=mem)


PROTOCOL_FILE = textwrap.dedent("""
    from pylabrobot.liquid_handling import LiquidHandler
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.resources import STARLetDeck, TIP_CAR_480_A00, TipRack
    from pylabrobot.resources import hamilton_96_tiprack_1000uL_filter

    async def tips_only(lh: LiquidHandler, tips: TipRack, n: int = 1):
        for i in range(n):
            await lh.pick_up_tips(tips[f"A{i + 1}"])
            await lh.drop_tips(tips[f"A{i + 1}"])

    def make_deck():
        deck = STARLetDeck()
        car = TIP_CAR_480_A00(name="car")
        car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
        deck.assign_child_resource(car, rails=3)
        return {"lh": LiquidHandler(LiquidHandlerChatterboxBackend(), deck=deck), "tips": tips}
""")


def _cli(path: Path, url: str, setup: str = "make_deck", params: list[str] | None = None,
         ) -> SimpleNamespace:
    return SimpleNamespace(file=str(path), setup=setup, param=params, override=None, db=url,
                           protocol=None, request=None, user=None)


def test_run_command_exits_0_for_a_completed_run_and_prints_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tips.py"
    path.write_text(PROTOCOL_FILE)
    url = f"sqlite:///{tmp_path}/cli.db"
    assert commands.run_command(_cli(path, url, params=["n=3"])) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert out.startswith("run 1 tips_only completed: 6 calls in ")
    assert out.endswith("(mock, LiquidHandlerChatterboxBackend; request 1 complete)")
    assert _run_row(db.connect(url), 1).parameters == {"n": 3}


def test_run_command_exits_1_when_the_run_fails(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tips.py"
    path.write_text(PROTOCOL_FILE)
    assert commands.run_command(_cli(path, f"sqlite:///{tmp_path}/cli.db", params=["n=13"])) == 1
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1].startswith("run 1 tips_only failed: 24 calls in ")
    assert err.strip() == ("IndexError: Item with identifier 'A13' does not exist on resource "
                           "'tips'.")


@pytest.mark.parametrize(("setup", "url", "needle"), [
    ("nope", None, "setup 'nope' not found"),
    ("make_deck", "postgresql+psycopg://lab:pw@127.0.0.1:9/x", "lab:***@127.0.0.1:9"),
])
def test_run_command_exits_2_with_one_line_for_usage_and_store_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, url: str | None,
        needle: str) -> None:
    from praxis_lab.cli import main

    path = tmp_path / "tips.py"
    path.write_text(PROTOCOL_FILE)
    code = main(["run", str(path), "--setup", setup, "--db",
                 url or f"sqlite:///{tmp_path}/cli.db"])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert err.startswith("praxis-lab run: ") and "Traceback" not in err


def test_run_command_exits_1_and_prints_every_reason_when_the_gate_blocks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tips.py"
    path.write_text(PROTOCOL_FILE.replace('await lh.pick_up_tips(tips[f"A{i + 1}"])', "pass"))
    monkeypatch.setattr(runner, "Policy", lambda: AS_REAL)
    # (n pinned: more than 12 passes would also look past the rack, a second failure mode)
    assert commands.run_command(_cli(path, f"sqlite:///{tmp_path}/cli.db", params=["n=1"])) == 1
    out, err = capsys.readouterr()
    assert out.strip() == ("run 1 tips_only refused: 0 calls (real, LiquidHandlerChatterboxBackend;"
                           " request 1 blocked)")
    assert err.startswith("blocked: simulation_ok: the simulation found 1 failure mode (no_tips")
    assert err.strip().splitlines()[-1].startswith(
        "request 1 is blocked: fix the protocol, or approve it with `praxis-lab approve 1 "
        "--reason TEXT`")


def test_call_arguments_are_json_with_names_coordinates_and_plain_numbers() -> None:
    from pylabrobot.resources import Coordinate

    from praxis_lab.store.calllog import call_arguments, consumption, to_json

    setup = make_setup()
    lh, source = setup["lh"], setup["source"]
    args = call_arguments(lh.aspirate, "aspirate", (source["A1:B1"],),
                          {"vols": [10, 2.5], "offsets": [Coordinate(1, 2, 3), None]})
    assert args == {"resources": ["source[A1]", "source[B1]"], "vols": [10, 2.5],
                    "offsets": [{"x": 1, "y": 2, "z": 3}, None]}
    assert to_json({"plate": source, "deck": lh.deck, "nan": float("nan"), "t": (1, "a")}) == {
        "plate": "source", "deck": "deck", "nan": "nan", "t": [1, "a"]}
    assert to_json(object())["type"] == "object"
    assert consumption("pick_up_tips96", {"tip_rack": "tips"}) == (96, 0.0)
    assert consumption("aspirate96", {"resource": "source", "volume": 10}) == (0, 960.0)
    assert consumption("dispense", {"vols": [10]}) == (0, 0.0)


def test_transfer_and_stamp_count_the_liquid_they_aspirate() -> None:
    from praxis_lab.store.calllog import consumption

    assert consumption("transfer", {"source": "p[A1]", "targets": ["p[A2]"],
                                    "source_vol": 80}) == (0, 80.0)
    assert consumption("transfer", {"source": "p[A1]", "targets": ["p[A2]", "p[A3]"],
                                    "target_vols": [10, 15.5]}) == (0, 25.5)
    assert consumption("stamp", {"source": "a", "target": "b", "volume": 5}) == (0, 480.0)


def test_resource_names_follow_each_grid_as_plr_names_its_items() -> None:
    first, second = make_setup(), make_setup()
    for setup in (first, second, first):  # same well names on two decks, asked in turns
        for plate in (setup["source"], setup["tips"]):
            assert [resource_name(w) for w in plate.get_all_items()] == [
                f"{plate.name}[{plate.get_child_identifier(w)}]" for w in plate.get_all_items()]
    assert resource_name(first["source"]) == "source"
    assert resource_name(first["lh"].deck) == "deck"


def test_a_resource_missing_from_its_parents_grid_is_named_by_its_own_name() -> None:
    plate = make_setup()["source"]
    a1, b1 = plate.get_item("A1"), plate.get_item("B1")
    assert resource_name(a1) == "source[A1]"
    plate._ordering = {k: v for k, v in plate._ordering.items() if k != "A1"}
    assert resource_name(a1) == a1.name
    assert resource_name(b1) == "source[B1]"


async def slow_tips(lh: LiquidHandler, tips: TipRack, n: int = 100) -> None:
    for i in range(n):
        await lh.pick_up_tips(tips[f"A{i % 12 + 1}"])
        await lh.drop_tips(tips[f"A{i % 12 + 1}"])
        await asyncio.sleep(0.005)


def _interrupted_child(url: str, fd: int) -> None:
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    setup = make_setup()
    del setup["source"], setup["dest"]
    r = Runner(slow_tips, setup, db=url)
    r.subscribe(lambda m: os.write(fd, b"call\n") if m["type"] == "log" else None)
    try:
        asyncio.run(r.execute())
        os.write(fd, b"finished\n")
    except KeyboardInterrupt:
        os.write(fd, b"KeyboardInterrupt\n")
    os._exit(0)


def test_ctrl_c_during_a_run_cancels_it_and_the_script_sees_keyboard_interrupt(
        tmp_path: Path) -> None:
    import multiprocessing
    import os
    import signal

    url = f"sqlite:///{tmp_path}/sigint.db"
    db.connect(url)
    read, write = os.pipe()
    child = multiprocessing.get_context("fork").Process(target=_interrupted_child,
                                                        args=(url, write))
    child.start()
    os.close(write)
    lines: list[bytes] = []
    with os.fdopen(read, "rb") as pipe:
        for line in pipe:
            lines.append(line.strip())
            if lines.count(b"call") == 3:
                os.kill(child.pid, signal.SIGINT)  # type: ignore[arg-type]
                break
        lines += [line.strip() for line in pipe]
    child.join(30)
    assert lines[-1] == b"KeyboardInterrupt"
    with Session(db.connect(url)) as s:
        row = s.exec(select(ProtocolRun)).one()
    assert (row.status, row.error_code) == ("canceled", "Canceled")
    assert 3 <= (row.calls or 0) < 200


@pytest.mark.parametrize(("params", "drop", "message"), [
    ({"volum": 5.0}, None, "copy_columns has no parameter volum (parameters: lh, tips,"),
    (None, "dest", "nothing binds dest of copy_columns: return it from the setup or pass"),
])
def test_parameters_nothing_binds_or_the_protocol_lacks_are_refused_before_the_run(
        mem: Engine, params: dict[str, Any] | None, drop: str | None, message: str) -> None:
    from praxis_lab.protocol.analyse import ProtocolError

    setup = make_setup()
    received = spy(setup)
    if drop:
        del setup[drop]
    with pytest.raises(ProtocolError, match=message.replace("(", r"\(")):
        runner.run(copy_columns, setup, params=params, db=mem)
    with Session(mem) as s:
        assert s.exec(select(ProtocolRun)).all() == [] and received == []


def test_a_call_that_raised_counts_no_volume_or_tips_in_the_history(mem: Engine) -> None:
    record = runner.run(copy_columns, make_setup(volume=30.0), params={"volume": 50.0}, db=mem)
    assert record.error_code == "TooLittleLiquidError"
    pick, aspirate = _calls(mem, record.run_id)
    assert (pick.tips, aspirate.tips, aspirate.volume_ul) == (8, 0, 0.0)
    assert aspirate.error is not None and aspirate.arguments["vols"] == [50.0] * 8
    from praxis_lab.store import frames

    row = frames.history(mem).iloc[0]
    assert (row["tips_used"], row["volume_ul"]) == (8, 0.0)


def test_the_setup_function_runs_once_per_run(mem: Engine) -> None:
    built: list[dict[str, Any]] = []

    def counted_setup() -> dict[str, Any]:
        built.append(make_setup())
        return built[-1]

    record = runner.run(copy_columns, counted_setup, params={"columns": 1}, db=mem)
    assert record.status == "completed" and len(built) == 1
    assert built[0]["source"]["A1"][0].tracker.get_used_volume() == 100.0  # the run used it


def test_a_run_drives_plrs_hamilton_star_backend_down_to_its_firmware_commands(
        mem: Engine) -> None:
    # STARChatterboxBackend is PLR's real STAR backend with the USB link replaced by a log:
    # every PLR call becomes the firmware command a STAR would receive
    from pylabrobot.io.validation_utils import LOG_LEVEL_IO
    from pylabrobot.liquid_handling.backends.hamilton.STAR_chatterbox import (
        STARChatterboxBackend,
    )

    def star_setup() -> dict[str, Any]:
        setup = make_setup()
        setup["lh"] = LiquidHandler(backend=STARChatterboxBackend(), deck=setup["lh"].deck)
        return setup

    firmware: list[str] = []

    class Wire(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno == LOG_LEVEL_IO and record.getMessage().startswith("C0"):
                firmware.append(record.getMessage()[:4])

    plr_log = logging.getLogger("pylabrobot")
    wire, level = Wire(), plr_log.level
    plr_log.addHandler(wire)
    plr_log.setLevel(LOG_LEVEL_IO)
    try:
        record = runner.run(copy_columns, star_setup, db=mem)
    finally:
        plr_log.removeHandler(wire)
        plr_log.setLevel(level)
    assert (record.status, record.backend, record.mode) == (
        "completed", "STARChatterboxBackend", "mock")
    assert [c for c in firmware if c != "C0TT"] == ["C0TP", "C0AS", "C0DS", "C0TR"] * 2
    methods = [c.method for c in _calls(mem, record.run_id)]
    assert methods == ["pick_up_tips", "aspirate", "dispense", "drop_tips"] * 2


def _runs_of(engine: Engine, request_id: int | None) -> list[tuple[int | None, str]]:
    with Session(engine) as s:
        rows = s.exec(select(ProtocolRun).where(ProtocolRun.request_id == request_id)
                      .order_by(ProtocolRun.id)).all()  # type: ignore[arg-type]
        return [(row.id, row.status) for row in rows]


def test_a_failed_run_is_retried_as_a_new_run_of_the_same_request(store: Engine) -> None:
    volumes = [30.0, 200.0]  # the first run finds too little liquid, the retry enough

    def setup() -> dict[str, Any]:
        return make_setup(volumes.pop(0))

    first = Runner(copy_columns, setup, params={"volume": 50.0}, db=store)
    failed = asyncio.run(first.execute())
    assert failed.status == "failed" and first.retry_refusal() is None
    second = first.retry()
    assert second is not first and second.record is None and second.task is None  # not started
    done = asyncio.run(second.execute())
    assert (done.status, done.request_id) == ("completed", failed.request_id)
    assert _runs_of(store, failed.request_id) == [(failed.run_id, "failed"),
                                                  (done.run_id, "completed")]
    assert second.request_info is not None and second.request_info["status"] == "complete"
    why = (f"request {done.request_id} is complete (run {done.run_id} completed): run the cell "
           "again for a new request")
    assert second.retry_refusal() == why
    with pytest.raises(RequestError, match="is complete"):
        second.retry()
    assert len(_runs_of(store, failed.request_id)) == 2


def test_a_canceled_or_running_run_takes_no_retry_and_says_why(mem: Engine) -> None:
    r = Runner(copy_columns, make_setup(), db=mem)
    assert r.retry_refusal() == "the run is not prepared yet"
    r.prepare()
    assert r.retry_refusal() == f"run {r.run_id} is pending"
    r.subscribe(lambda m: r.abort() if m["type"] == "log" else None)
    record = asyncio.run(r.execute())
    assert record.status == "canceled"
    assert r.retry_refusal() == (f"request {record.request_id} was aborted (run {record.run_id} "
                                 "canceled): run the cell again for a new request")
    with pytest.raises(RequestError, match="was aborted"):
        r.retry()
