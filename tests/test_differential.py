"""The simulator agrees with PyLabRobot: where PLR raises, we predicted it; where it runs, so do we.

Each protocol runs for real on PLR 0.2.2 (chatterbox backend, tip and volume tracking
on; tests/plr_harness.py) and is simulated. Wherever PLR raises, the simulator's first
failure that applies to that run (``always``, or ``conditional`` with a condition that
holds for the parameters PLR ran with), in source order, has a kind whose PLR error
(``praxis_lab.sim.failures.PLR_ERRORS``) is the one raised, on the same line. Where PLR
completes, no such failure exists except praxis_lab's own checks (``failures.plr_checks``:
``not_on_deck``, and ``no_tips`` on the 96 head — checks PLR does not make).
``not_on_deck`` on another line than PLR's error is skipped for the same reason.

Files without a setup run on a default deck whose start volumes are the simulator's
own requirements (so the requirements are tested too).
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import plr_harness
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praxis_lab.pipeline import simulate
from praxis_lab.sim.failures import PLR_ERRORS, FailureMode, plr_checks
from praxis_lab.sim.simulate import SimulationReport

PROTOCOLS = Path(__file__).parent / "protocols"
FILES = sorted(PROTOCOLS.glob("*.py"))

# Disagreements whose cause lies outside rules.py (reported to the lead).
KNOWN: dict[str, str] = {}


def expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text())  # type: ignore[no-any-return]


def start_volumes(report: SimulationReport) -> dict[str, float]:
    """The report's minimum start volumes, keyed for plr_harness (``src[A1]``)."""
    out = {}
    for row in report.requirements["liquid"]:
        key = row["parameter"] if row["well"] == row["parameter"] else (
            f"{row['parameter']}[{row['well']}]")
        out[key] = row["min_volume"]
    return out


def holds(condition: str | None, params: dict[str, Any]) -> bool:
    """Whether a path condition (``volume > 200 and n <= 3``) holds for ``params``."""
    if condition is None:
        return True
    try:
        return bool(eval(compile(ast.parse(condition, mode="eval"), "<condition>", "eval"),
                         {"__builtins__": {}}, dict(params)))
    except Exception:
        return False


def disagreement(report: SimulationReport, result: plr_harness.PLRResult,
                 params: dict[str, Any]) -> str | None:
    """Why the simulation and PLR's run disagree, or None when they agree."""
    applies = [f for f in report.failure_modes if f.certainty == "always"
               or getattr(f, "on_default_path", False) or holds(f.condition, params)]
    if result.completed:  # only praxis_lab's own checks may fire (failures.plr_checks)
        wrong = [f for f in applies if plr_checks(f.kind, f.method, f.data)]
        if wrong:
            return f"PLR completes but the simulator predicts {_show(wrong[0])}"
        return None
    candidates = [f for f in applies
                  if plr_checks(f.kind, f.method, f.data) or f.line == result.line]
    if not candidates:
        return (f"PLR raises {result.error} @ line {result.line} ({result.message}) but the "
                "simulator predicts nothing")
    first = candidates[0]
    if result.error not in PLR_ERRORS[first.kind] or first.line != result.line:
        return (f"PLR raises {result.error} @ line {result.line} ({result.message}); the "
                f"simulator's first failure is {_show(first)}")
    return None


def _show(f: FailureMode) -> str:
    return f"{f.kind} @ line {f.line} ({f.message})"


def _defaults(path: Path) -> dict[str, Any]:
    module = plr_harness.load_module(path)
    fn = plr_harness.protocol_of(module)
    return {p.name: p.default for p in inspect.signature(fn).parameters.values()
            if p.default is not inspect.Parameter.empty}


@functools.cache
def _simulate_and_run(path: Path) -> tuple[SimulationReport, plr_harness.PLRResult]:
    exp = expected(path)
    report = simulate(str(path), setup=exp.get("setup"))
    volumes = {} if exp.get("setup") else start_volumes(report)
    return report, plr_harness.run_file(path, volumes=volumes)


def _params(known: dict[str, str]) -> list[Any]:
    out = []
    for path in FILES:
        marks = [pytest.mark.xfail(strict=True, reason=known[path.stem])] if (
            path.stem in known) else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


@pytest.mark.parametrize("path", _params({}))
def test_plr_does_what_the_fixture_says(path: Path):
    exp = expected(path)
    if exp["plr"] == "not_runnable":
        with pytest.raises(plr_harness.NotRunnable):
            plr_harness.run_file(path)
        return
    _, result = _simulate_and_run(path)
    assert result.expected() == exp["plr"], result.message


@pytest.mark.parametrize("path", _params(KNOWN))
def test_the_simulator_agrees_with_plr(path: Path):
    exp = expected(path)
    if exp["plr"] == "not_runnable":  # no PLR object exists for the parameter's type
        report = simulate(str(path), setup=exp.get("setup"))
        assert report.failure_modes[0].kind == "unresolved_type"
        return
    report, result = _simulate_and_run(path)
    problem = disagreement(report, result, _defaults(path))
    assert problem is None, problem


def _needs_liquid() -> list[Any]:
    # protocols that run on PLR without a setup, on one path (with branches the minimum
    # covers the other paths too), with no failure, and that aspirate something
    return [pytest.param(p, id=p.stem) for p in FILES
            if expected(p)["plr"] == "completes" and not expected(p).get("setup")
            and expected(p)["paths"] == 1 and not expected(p)["failures"]
            and any(m.startswith(("aspirate", "transfer", "stamp"))
                    for m in expected(p)["methods"])]


@pytest.mark.parametrize("path", _needs_liquid())
def test_the_liquid_requirements_are_the_smallest_start_volumes_that_work(path: Path):
    report, result = _simulate_and_run(path)
    volumes = start_volumes(report)
    assert volumes, "an aspirating protocol needs some start volume"
    assert result.completed
    for key in list(volumes)[:3]:  # one microlitre less in a well and PLR runs dry
        less = {**volumes, key: volumes[key] - 1}
        short = plr_harness.run_file(path, volumes=less)
        assert short.error == "TooLittleLiquidError", (key, short)


# --- generated op sequences -------------------------------------------------------------

SETUP = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_50uL,
                                  hamilton_96_tiprack_1000uL_filter)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    lh.deck.deregister_did_assign_resource_callback(lh.deck._check_safe_z_height)
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    tip_car[1] = small = hamilton_96_tiprack_50uL(name="small")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
    plt_car[1] = dst = cor_96_wellplate_360uL_Fb(name="dst")
    lh.deck.assign_child_resource(plt_car, rails=8)
    src.set_well_volumes([30.0 * (i // 8 + 1) for i in range(96)])  # column c: 30·c µL
    dst.set_well_volumes([0.0 if i // 8 < 8 else 300.0 for i in range(96)])  # 9-12 nearly full
    tips.set_tip_state([i // 8 != 11 for i in range(96)])  # column 12 already used
    return {"lh": lh, "tips": tips, "small": small, "src": src, "dst": dst}


async def generated(lh: LiquidHandler, tips: TipRack, small: TipRack, src: Plate, dst: Plate):
    pass
'''
ROWS = "ABCDEFGH"
OUTCOMES: Counter[str] = Counter()  # what PLR did with the generated protocols
PREDICTED: Counter[str] = Counter()  # the simulator's first failure kind for them


@st.composite
def _target(draw: st.DrawFn, n: int) -> tuple[int, str, str]:
    """Rows A.. of a random column: (count, selection text, use_channels text)."""
    if draw(st.integers(0, 4)) == 0:  # now and then another width than the sequence's
        n = draw(st.integers(1, 8))
    col = draw(st.integers(1, 12))
    sel = f'"A{col}"' if n == 1 else f'"A{col}:{ROWS[n - 1]}{col}"'
    choice = draw(st.sampled_from(["default"] * 6 + ["offset", "offset", "mismatch"]))
    if choice == "offset" and n < 8:
        start = draw(st.integers(1, 8 - n))
        return n, sel, f", use_channels={list(range(start, start + n))}"
    if choice == "mismatch":
        k = draw(st.integers(1, 8).filter(lambda k: k != n))
        return n, sel, f", use_channels={list(range(k))}"
    return n, sel, ""


@st.composite
def _op(draw: st.DrawFn, n: int) -> str:
    kind = draw(st.sampled_from(["pick_up_tips"] * 2 + ["aspirate"] * 4 + ["dispense"] * 4 +
                                ["drop_tips", "return_tips", "discard_tips"]))
    n, sel, channels = draw(_target(n))
    if kind in ("pick_up_tips", "drop_tips"):
        rack = draw(st.sampled_from(["tips", "tips", "small"]))
        return f"await lh.{kind}({rack}[{sel}]{channels})"
    if kind in ("aspirate", "dispense"):
        plate = draw(st.sampled_from(["src", "dst"]))
        vol = draw(st.sampled_from([0, 5, 20, 30, 45, 60, 75, 100, 100, 150, 12.5, 0.1, 700]))
        shape = draw(st.sampled_from(["list"] * 12 + ["scalar", "short"]))
        if shape == "scalar":
            vols = f"{vol}"
        elif shape == "short" and n > 1:
            vols = f"[{vol}] * {n - 1}"
        else:
            vols = f"[{vol}] * {n}"
        if draw(st.integers(0, 9)) == 0:  # one well for every channel (PLR spreads them)
            well = draw(st.sampled_from(["A1", "H12"]))
            return f"await lh.{kind}([{plate}.get_item({well!r})] * {n}, vols={vols}{channels})"
        return f"await lh.{kind}({plate}[{sel}], vols={vols}{channels})"
    if draw(st.booleans()):
        return f"await lh.{kind}()"
    return f"await lh.{kind}(use_channels={list(range(n))})"


def _liquid(kind: str, plate: str, sel: str, vol: float, n: int) -> str:
    return f"await lh.{kind}({plate}[{sel}], vols=[{vol}] * {n})"


@st.composite
def _sequence(draw: st.DrawFn) -> list[str]:
    """A scenario (a plausible start that may go wrong) followed by random ops."""
    n = draw(st.integers(1, 8))
    cols = draw(st.lists(st.integers(1, 12), min_size=3, max_size=3))
    sel = [f'"A{c}"' if n == 1 else f'"A{c}:{ROWS[n - 1]}{c}"' for c in cols]
    vol = draw(st.sampled_from([10, 25, 50, 75, 100, 200]))
    rack = draw(st.sampled_from(["tips", "tips", "small"]))
    pick = f"await lh.pick_up_tips({rack}[{sel[0]}])"
    scenario = draw(st.sampled_from(["random", "random", "transfer", "overfill", "wet_drop",
                                     "reuse", "malformed"]))
    if scenario == "transfer":  # may exceed the source, the tips or the destination
        start = [pick, _liquid("aspirate", "src", sel[1], vol, n),
                 _liquid("dispense", "dst", sel[2], vol, n)]
    elif scenario == "overfill":  # destination columns 9-12 hold 300 of 360 µL
        start = [pick, _liquid("aspirate", "src", sel[1], vol, n),
                 _liquid("dispense", "dst", f'"A{9 + cols[2] % 4}:{ROWS[n - 1]}{9 + cols[2] % 4}"'
                         if n > 1 else f'"A{9 + cols[2] % 4}"', vol, n)]
    elif scenario == "wet_drop":  # drop, return or discard tips that hold liquid
        end = draw(st.sampled_from([f"await lh.drop_tips({rack}[{sel[0]}])",
                                    "await lh.return_tips()", "await lh.discard_tips()"]))
        start = [pick, _liquid("aspirate", "src", sel[1], vol, n), end]
    elif scenario == "reuse":  # the same spots twice
        start = [pick, "await lh.discard_tips()", pick]
    elif scenario == "malformed":  # calls PLR refuses: types, lengths, channels
        k = n % 8 + 1
        start = [pick, draw(st.sampled_from([
            f"await lh.aspirate(src[{sel[1]}], vols={vol})",
            f"await lh.aspirate(src[{sel[1]}], vols=[{vol}] * {n + 1})",
            f"await lh.aspirate(src[{sel[1]}], vols=[{vol}] * {n}, use_channels={list(range(k))})",
            f"await lh.dispense([dst.get_item('B2')] * {n}, vols=[{vol}] * {n})",
            f"await lh.aspirate(src.get_item('A1'), vols=[{vol}])",
            f"await lh.drop_tips({rack}[{sel[0]}], use_channels={list(range(k))})",
            f"await lh.pick_up_tips({rack}[{sel[1]}], use_channels=[{n}, {n}])"]))]
    else:
        start = [pick] if draw(st.integers(0, 9)) else []
    return start + draw(st.lists(_op(n), min_size=0 if start else 1, max_size=6))


def protocol_source(ops: list[str]) -> str:
    body = textwrap.indent("\n".join(ops), "    ")
    return SETUP.replace("    pass\n", body + "\n")


@pytest.fixture(scope="module")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated")


@pytest.fixture(scope="module")
def unrendered_fixes() -> Any:
    """Fixes keep their codemods but skip rendering a diff (a LibCST pass per fix, most of
    a failing simulation's time); this test compares failures, not fix texts."""
    from praxis_lab.fixes.suggest import Fix

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Fix, "to_dict", lambda self, source: {"description": self.description,
                                                         "edit": ""})
        yield


@pytest.fixture(scope="module")
def deck_for_simulation() -> dict[str, Any]:
    """The setup's objects, built once: simulation only reads them (PLR gets fresh ones)."""
    namespace: dict[str, Any] = {}
    exec(compile(SETUP, "<setup>", "exec"), namespace)
    return namespace["setup"]()  # type: ignore[no-any-return]


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=_sequence())
def test_generated_op_sequences_agree_with_plr(ops: list[str], generated_dir: Path,
                                               deck_for_simulation: dict[str, Any],
                                               unrendered_fixes: None):
    source = protocol_source(ops)
    report = simulate(source, setup=deck_for_simulation, cache=False)
    result = plr_harness.run_source(source, directory=generated_dir)
    OUTCOMES[result.error or "completes"] += 1
    PREDICTED[report.failure_modes[0].kind if report.failure_modes else "ok"] += 1
    problem = disagreement(report, result, {})
    assert problem is None, f"{problem}\n{source[source.index('async def'):]}"


def test_generated_sources_are_valid_and_put_each_op_on_its_own_line():
    source = protocol_source(["await lh.pick_up_tips(tips[\"A1\"])", "await lh.discard_tips()"])
    tree = ast.parse(source)
    fn = next(n for n in tree.body if isinstance(n, ast.AsyncFunctionDef))
    assert [s.lineno for s in fn.body] == [fn.lineno + 1, fn.lineno + 2]
    report = simulate(source, setup="setup", cache=False)
    assert report.ok and [op.method_name for op in report.graph.operations] == [
        "pick_up_tips", "discard_tips"]


def test_generated_sequences_reach_every_kind_of_plr_outcome():
    if not OUTCOMES:
        pytest.skip("runs after test_generated_op_sequences_agree_with_plr")
    print(dict(OUTCOMES), dict(PREDICTED))
    assert set(OUTCOMES) >= {"completes", "NoTipError", "HasTipError", "TooLittleLiquidError",
                             "TooLittleVolumeError", "RuntimeError", "TypeError", "ValueError"}
    assert set(PREDICTED) >= {"ok", "no_tips", "tips_already_loaded", "tip_spot_empty",
                              "insufficient_liquid", "over_capacity", "tip_volume_exceeded",
                              "tip_not_empty", "bad_arguments"}
