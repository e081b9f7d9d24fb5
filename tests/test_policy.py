"""The policy gate: ALLOW or BLOCK with every reason, overrides, simulators, limits."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend, STARBackend
from pylabrobot.resources import STARLetDeck

from praxis_lab._plr.devices import devices
from praxis_lab.execution.policy import Decision, Policy, evaluate, is_complete

REAL = "STARBackend"
SIM = "LiquidHandlerChatterboxBackend"


def _devices(backend: Any) -> dict[str, Any]:
    return devices({"lh": LiquidHandler(backend=backend, deck=STARLetDeck())})


SIM_DEVICES = _devices(LiquidHandlerChatterboxBackend())
REAL_DEVICES = _devices(STARBackend(serial_number="4242"))


def _report(ok: bool = True, tips: int = 8, volumes: tuple[float, ...] = (100.0,),
            methods: tuple[str, ...] = ("pick_up_tips", "aspirate", "dispense")) -> dict[str, Any]:
    failures = [] if ok else [
        {"kind": "insufficient_liquid", "line": 7, "message": "aspirate 60 µL from src[A1]",
         "certainty": "always"},
        {"kind": "no_tips", "line": 9, "message": "no tip", "certainty": "conditional"},
    ]
    ops = [{"method": m, "line": 3 + i, "volumes": list(volumes) if m == "aspirate" else []}
           for i, m in enumerate(methods)]
    return {"ok": ok, "failure_modes": failures, "requirements": {"tips": {"tips": tips}},
            "graph": {"operations": ops}}


def test_an_ok_simulation_on_a_real_device_is_allowed_and_every_rule_is_recorded() -> None:
    decision = evaluate(Policy(), _report(), REAL)
    assert decision.decision is Decision.ALLOW and decision.reasons == []
    assert [r.rule for r in decision.rules] == [
        "simulation_ok", "simulation_complete", "volumes_valid", "max_tips", "max_volume_per_op",
        "allowed_methods", "allowed_backends", "time_limit"]
    assert all(r.decision is Decision.ALLOW for r in decision.rules)


def test_a_failing_simulation_blocks_a_real_device_naming_the_failures_and_the_fix() -> None:
    decision = evaluate(Policy(), _report(ok=False), REAL)
    assert decision.decision is Decision.BLOCK
    (reason,) = decision.reasons
    assert reason.startswith("simulation_ok: the simulation found 2 failure modes")
    assert "insufficient_liquid @ line 7" in reason and "no_tips @ line 9" in reason
    assert "STARBackend is a real device" in reason and "override=" in reason


def test_an_override_reason_lets_a_failing_simulation_run_and_is_kept() -> None:
    decision = evaluate(Policy(), _report(ok=False), REAL, override="wells filled by hand")
    assert decision.decision is Decision.ALLOW and decision.overridden
    assert decision.override == "wells filled by hand"
    assert "overridden by a human: wells filled by hand" in decision.rules[0].reason


def test_an_ok_simulation_does_not_use_the_override() -> None:
    decision = evaluate(Policy(), _report(), REAL, override="just in case")
    assert decision.allowed and not decision.overridden


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_override_reason_does_not_count(blank: str) -> None:
    decision = evaluate(Policy(), _report(ok=False), REAL, override=blank)
    assert decision.decision is Decision.BLOCK
    assert "an override needs a non-empty reason" in decision.reasons[0]


def test_a_simulator_backend_records_a_failing_simulation_but_is_not_blocked_by_it() -> None:
    decision = evaluate(Policy(), _report(ok=False), SIM, devices=SIM_DEVICES)
    assert decision.decision is Decision.ALLOW and decision.simulator
    assert decision.rules[0].reason.endswith(f"allowed because {SIM} is a simulator")
    assert not decision.overridden


def test_no_simulation_report_blocks_a_real_device_but_not_a_simulator() -> None:
    blocked = evaluate(Policy(), None, REAL)
    assert blocked.decision is Decision.BLOCK
    assert "there is no simulation report" in blocked.reasons[0]
    assert "simulate the protocol first" in blocked.reasons[0]
    assert evaluate(Policy(), None, SIM, simulator=True).allowed


def test_too_many_tips_block_even_on_a_simulator_and_with_an_override() -> None:
    decision = evaluate(Policy(max_tips=96), _report(tips=192), SIM, override="please",
                        simulator=True)
    assert decision.decision is Decision.BLOCK
    assert decision.reasons == [
        "max_tips: the protocol needs 192 tips (tips: 192), above the limit of 96; split the "
        "run or raise Policy(max_tips=...)"]


def test_a_volume_above_the_limit_blocks_naming_the_method_line_and_volume() -> None:
    decision = evaluate(Policy(max_volume_per_op_ul=200.0), _report(volumes=(150.0, 250.0)), REAL)
    assert decision.reasons == [
        "max_volume_per_op: aspirate @ line 4 moves 250 µL: above the limit of 200 µL per "
        "operation; split the transfer or raise Policy(max_volume_per_op_ul=...)"]


def test_a_method_outside_the_allowed_set_blocks_naming_the_call() -> None:
    policy = Policy(allowed_methods=frozenset({"pick_up_tips", "aspirate", "dispense"}))
    decision = evaluate(policy, _report(methods=("pick_up_tips", "move_plate")), REAL)
    assert decision.decision is Decision.BLOCK
    assert decision.reasons[0].startswith("allowed_methods: move_plate @ line 4 not allowed")


def test_a_backend_outside_the_allowed_set_blocks() -> None:
    decision = evaluate(Policy(allowed_backends=frozenset({SIM})), _report(), REAL,
                        devices=REAL_DEVICES)
    assert decision.reasons == [
        f"allowed_backends: backend {REAL} is not allowed (allowed: {SIM}); use one of those "
        "or add it to Policy(allowed_backends=...)"]


def test_every_broken_rule_is_reported_at_once() -> None:
    policy = Policy(max_tips=1, max_volume_per_op_ul=10.0, allowed_backends=frozenset({SIM}))
    decision = evaluate(policy, _report(ok=False), REAL)
    assert [r.split(":")[0] for r in decision.reasons] == [
        "simulation_ok", "max_tips", "max_volume_per_op", "allowed_backends"]


def test_no_limits_means_every_limit_rule_allows() -> None:
    policy = Policy(max_tips=None, max_volume_per_op_ul=None)
    decision = evaluate(policy, _report(tips=10_000, volumes=(1e6,)), REAL)
    assert decision.allowed


def test_a_simulator_is_a_device_whose_backend_is_one_of_plrs_own_simulators() -> None:
    assert evaluate(Policy(), _report(ok=False), SIM, devices=SIM_DEVICES).simulator
    assert not evaluate(Policy(), _report(ok=False), REAL, devices=REAL_DEVICES).allowed
    assert evaluate(Policy(), _report(ok=False), "MyBackend", simulator=True).allowed


def test_a_name_is_not_enough_to_be_a_simulator() -> None:
    class LiquidHandlerChatterboxBackend(STARBackend):  # a real robot's class, misnamed
        pass

    look_alike = _devices(LiquidHandlerChatterboxBackend())
    decision = evaluate(Policy(), _report(ok=False), SIM, devices=look_alike)
    assert not decision.simulator and decision.decision is Decision.BLOCK
    assert look_alike["lh"]["backend"].endswith("<locals>.LiquidHandlerChatterboxBackend")
    assert evaluate(Policy(simulator_backends=frozenset({"LiquidHandlerChatterboxBackend"})),
                    _report(ok=False), SIM, devices=look_alike).decision is Decision.BLOCK


def test_one_real_device_among_simulators_makes_the_run_real() -> None:
    mixed = {**SIM_DEVICES, "reader": {**REAL_DEVICES["lh"]}}
    decision = evaluate(Policy(), _report(ok=False), SIM, devices=mixed)
    assert not decision.simulator and decision.decision is Decision.BLOCK


def test_a_policy_can_treat_plrs_simulators_as_real_devices() -> None:
    decision = evaluate(Policy(simulator_backends=frozenset()), _report(ok=False), SIM,
                        devices=SIM_DEVICES)
    assert not decision.simulator and decision.decision is Decision.BLOCK


def test_the_decision_says_which_devices_it_was_made_for() -> None:
    decision = evaluate(Policy(), _report(), REAL, devices=REAL_DEVICES)
    assert decision.devices == REAL_DEVICES
    assert REAL_DEVICES["lh"]["identity"] == {"serial_number": "4242"}
    assert decision.to_dict()["devices"] == REAL_DEVICES


def _incomplete(ok: bool = False) -> dict[str, Any]:
    return {**_report(ok=ok), "trace_issues": [
        {"kind": "timeout", "message": "still running after 20 s", "line": 12}]}


def test_an_incomplete_simulation_never_auto_approves_a_real_device() -> None:
    for report in (_incomplete(), {**_report(), "complete": False}):
        decision = evaluate(Policy(), report, REAL, devices=REAL_DEVICES)
        assert decision.decision is Decision.BLOCK
        assert any(r.startswith("simulation_complete: the simulation is not complete")
                   for r in decision.reasons)
    assert "timeout: still running after 20 s @ line 12" in evaluate(
        Policy(), _incomplete(), REAL).reasons[-1]


def test_an_incomplete_simulation_on_a_real_device_needs_a_human_override() -> None:
    decision = evaluate(Policy(), {**_report(), "complete": False}, REAL,
                        override="checked by hand", devices=REAL_DEVICES)
    assert decision.allowed and decision.overridden


def test_an_incomplete_simulation_on_a_simulator_runs_with_the_gap_recorded() -> None:
    decision = evaluate(Policy(), _incomplete(), SIM, devices=SIM_DEVICES)
    assert decision.allowed and not decision.overridden
    done = next(r for r in decision.rules if r.rule == "simulation_complete")
    assert "not complete (timeout" in done.reason and "is a simulator" in done.reason


def test_completeness_is_the_reports_own_word_else_its_trace_issues() -> None:
    assert is_complete(_report()) == (True, [])
    assert is_complete({"complete": False}) == (False, [])
    assert is_complete(_incomplete())[0] is False
    assert is_complete({**_incomplete(), "complete": True})[0] is True


@pytest.mark.parametrize("volume", [-50.0, math.nan, math.inf])
def test_a_volume_that_is_not_a_number_at_least_0_blocks_every_device_and_override(
        volume: float) -> None:
    for backend, found in ((SIM, SIM_DEVICES), (REAL, REAL_DEVICES)):
        decision = evaluate(Policy(), _report(volumes=(volume,)), backend, override="sure",
                            devices=found)
        assert decision.decision is Decision.BLOCK
        assert decision.reasons[0] == (
            f"volumes_valid: aspirate @ line 4 moves {volume:g} µL: a volume must be a finite "
            "number ≥ 0 µL; check the parameters (--param) and the protocol's arithmetic")


def test_a_real_device_gets_a_time_limit_from_the_estimate_times_the_factor() -> None:
    decision = evaluate(Policy(min_time_limit_s=1.0), _report(), REAL, devices=REAL_DEVICES,
                        estimate_s=40.0)
    assert decision.time_limit_s == 120.0
    rule = next(r for r in decision.rules if r.rule == "time_limit")
    assert rule.reason.startswith("time limit 120 s: 40 s estimated from past calls × 3")


def test_without_history_the_limit_counts_seconds_per_call_and_has_a_floor() -> None:
    report = {**_report(), "expected_ops": 30}
    assert evaluate(Policy(), report, REAL, devices=REAL_DEVICES).time_limit_s == 900.0
    assert evaluate(Policy(), _report(), REAL, devices=REAL_DEVICES).time_limit_s == 300.0
    assert evaluate(Policy(time_limit_s=7.5), report, REAL,
                    devices=REAL_DEVICES).time_limit_s == 7.5


def test_the_time_limit_adds_what_the_protocol_waits_shakes_or_spins() -> None:
    report = {**_report(), "expected_ops": 30, "duration_s": 900.0}  # a 15-minute incubation
    decision = evaluate(Policy(), report, REAL, devices=REAL_DEVICES)
    assert decision.time_limit_s == 30 * 10.0 * 3 + 900.0
    rule = next(r for r in decision.rules if r.rule == "time_limit")
    assert rule.reason.startswith("time limit 1800 s: 30 PLR calls × 10 s × 3 + 900 s the "
                                  "protocol waits, shakes or spins (its simulated duration)")
    for odd in (None, float("nan"), -5.0, "900"):
        assert evaluate(Policy(), {**report, "duration_s": odd}, REAL,
                        devices=REAL_DEVICES).time_limit_s == 900.0


def test_a_simulator_has_no_time_limit_and_says_so() -> None:
    decision = evaluate(Policy(time_limit_s=5.0), _report(), SIM, devices=SIM_DEVICES)
    assert decision.time_limit_s is None
    rule = next(r for r in decision.rules if r.rule == "time_limit")
    assert rule.reason.startswith("no time limit: every device is a simulator")


def test_policy_sets_accept_any_collection_but_not_a_bare_string() -> None:
    assert Policy(allowed_methods=["aspirate"]).allowed_methods == frozenset({"aspirate"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"not the string 'aspirate': write \{'aspirate'\}"):
        Policy(allowed_methods="aspirate")  # type: ignore[arg-type]


def test_a_decision_serialises_to_plain_data() -> None:
    data = evaluate(Policy(max_tips=1), _report(), REAL).to_dict()
    assert data["decision"] == "BLOCK" and data["rules"][3]["rule"] == "max_tips"
    assert data["policy_version"] == "v1" and data["override"] is None


@given(volumes=st.lists(st.floats(0, 2000, allow_nan=False), min_size=1, max_size=8),
       limit=st.floats(1, 2000, allow_nan=False), ok=st.booleans(), simulator=st.booleans())
def test_the_decision_blocks_exactly_when_a_rule_blocks(
        volumes: list[float], limit: float, ok: bool, simulator: bool) -> None:
    decision = evaluate(Policy(max_volume_per_op_ul=limit), _report(ok=ok, volumes=tuple(volumes)),
                        SIM if simulator else REAL,
                        devices=SIM_DEVICES if simulator else REAL_DEVICES)
    blocking = [r for r in decision.rules if r.decision is Decision.BLOCK]
    assert (decision.decision is Decision.BLOCK) == bool(blocking)
    assert (max(volumes) > limit) == any(r.rule == "max_volume_per_op" for r in blocking)
    assert (not ok and not simulator) == any(r.rule == "simulation_ok" for r in blocking)


def test_graph_operations_with_seed_002_field_names_are_understood() -> None:
    report = {"ok": True, "failure_modes": [], "requirements": {"tips": {}},
              "graph": {"operations": [{"method_name": "aspirate", "line_number": 12,
                                        "volumes": [1500.0]}]}}
    decision = evaluate(Policy(), report, REAL)
    assert decision.reasons[0].startswith("max_volume_per_op: aspirate @ line 12 moves 1500 µL")
