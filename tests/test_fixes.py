"""Each fix is a LibCST codemod; applying it makes that failure go away on re-simulation,
on every iteration of a loop, and adds no other; where no edit can, none is offered."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import plr_harness
import pytest
from test_differential import start_volumes
from test_protocols import new_line

from praxis_lab.cli import main
from praxis_lab.fixes.suggest import Fix, apply_all
from praxis_lab.pipeline import simulate

H = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, v: float = 50):\n"

CASES = {
    "no_tips": "    await lh.aspirate(src['A1:H1'], [v] * 8)\n",
    "tips_already_loaded": "    await lh.pick_up_tips(tips['A1'])\n"
                           "    await lh.pick_up_tips(tips['B1'])\n",
    "tip_spot_empty": "    await lh.pick_up_tips(tips['A1'])\n    await lh.discard_tips()\n"
                      "    await lh.pick_up_tips(tips['A1'])\n",
    "insufficient_liquid": "    await lh.pick_up_tips(tips['A1'])\n"
                           "    await lh.aspirate(src['A1'], [500])\n",
    "over_capacity": "    await lh.pick_up_tips(tips['A1'])\n"  # 600 µL at once: a requirement
                     "    await lh.aspirate(src['A1'], [300])\n"
                     "    await lh.dispense(dst['A1'], [300])\n"
                     "    await lh.aspirate(src['A2'], [300])\n"
                     "    await lh.dispense(dst['A1'], [300])\n",
    "tip_volume_exceeded": "    await lh.pick_up_tips(tips['A1'])\n" + "".join(
        f"    await lh.aspirate(src['A{i}'], [300])\n" for i in range(1, 5)),
    "unknown_method": "    await lh.transfer_96(src, dst, volume=v)\n",
    "bad_arguments": "    await lh.pick_up_tips(tips['A1:H1'])\n"
                     "    await lh.aspirate(src['A1:H1'], vols=v)\n",
    "tip_not_empty": "    await lh.pick_up_tips(tips['A1'])\n"
                     "    await lh.aspirate(src['A1'], [20])\n    await lh.drop_tips(tips['A1'])\n",
    "wrong_resource": "    await lh.pick_up_tips(tips['A1'][0])\n",
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_first_fix_of_each_kind_removes_that_failure(kind):
    src = H + CASES[kind]
    report = simulate(src, cache=False)
    mode = next(m for m in report.failure_modes if m.kind == kind)
    assert mode.fixes, f"{kind} has no fix"
    fixed = mode.data["fix_objects"][0].apply(src)
    assert fixed != src
    after = simulate(fixed, cache=False)
    assert not any(m.kind == kind and m.line == mode.line for m in after.failure_modes), (
        fixed, after.summary())


def test_unresolved_type_is_fixed_by_the_closest_plr_annotation():
    src = "async def p(lh: LiquidHandler, x: Plat):\n    pass\n"
    mode = simulate(src, cache=False).failure_modes[0]
    fixed = mode.data["fix_objects"][0].apply(src)
    assert "x: Plate" in fixed and simulate(fixed, cache=False).ok


def test_a_fix_edit_is_a_readable_diff():
    src = H + "    await lh.pick_up_tips(tips['A1'])\n    await lh.aspirat(src['A1'], [v])\n"
    mode = simulate(src, cache=False).failure_modes[0]
    assert mode.fixes[0]["edit"].splitlines() == [
        "@@ -3 +3 @@", "-    await lh.aspirat(src['A1'], [v])",
        "+    await lh.aspirate(src['A1'], [v])"]


def test_inserted_statements_take_the_indentation_of_their_block():
    src = "async def p(lh):\n    for i in range(2):\n        await lh.aspirate([w], [1])\n"
    out = Fix("insert_before", "", 3, new="await lh.pick_up_tips(t)\n").apply(src)
    assert "        await lh.pick_up_tips(t)\n        await lh.aspirate" in out


def test_applying_every_fix_leaves_the_rest_of_the_source_byte_for_byte():
    src = "# keep me\n" + H.replace("(lh", "(lh") + CASES["unknown_method"] + "    # trailing\n"
    fixed = apply_all(src, simulate(src, cache=False).failure_modes)
    assert fixed.startswith("# keep me\n") and fixed.endswith("    # trailing\n")
    assert ("    await lh.aspirate96(src, volume=v)\n"
            "    await lh.dispense96(dst, volume=v)\n") in fixed


SETUP_PROTOCOL = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, STARLetDeck, TIP_CAR_480_A00,
    cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter, Plate, TipRack)

def make():
    deck = STARLetDeck()
    tc = TIP_CAR_480_A00("tc"); tc[0] = tips = hamilton_96_tiprack_1000uL_filter("t")
    pc = PLT_CAR_L5AC_A00("pc"); pc[0] = src = cor_96_wellplate_360uL_Fb("s")
    deck.assign_child_resource(tc, rails=1); deck.assign_child_resource(pc, rails=8)
    src.get_item("A1").tracker.set_volume(100)
    lh = LiquidHandler(LiquidHandlerChatterboxBackend(), deck)
    return {"lh": lh, "tips": tips, "src": src, "dst": cor_96_wellplate_360uL_Fb("d")}

async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(src["A1"], [60])
    await lh.dispense(dst["A1"], [60])
    await lh.aspirate(src["A1"], [60])
    await lh.dispense(dst["A2"], [60])
'''


def test_setup_fixes_assign_labware_to_the_deck_and_set_start_volumes():
    r = simulate(SETUP_PROTOCOL, setup="make", cache=False)
    assert [m.kind for m in r.failure_modes] == ["not_on_deck", "insufficient_liquid"]
    fixed = r.failure_modes[0].data["fix_objects"][0].apply(SETUP_PROTOCOL)
    assert 'lh.deck.assign_child_resource(_setup["dst"]' in fixed
    r2 = simulate(fixed, setup="make", cache=False)
    assert (r2.failure_modes[0].kind, r2.failure_modes[0].line) == ("insufficient_liquid", 23)
    volume_fix = r2.failure_modes[0].data["fix_objects"][0]  # the volume kept: first
    assert volume_fix.description == ("start with 120 µL in src[A1]: what the protocol takes "
                                      "from it (set in setup make)")
    fixed_volume = volume_fix.apply(fixed)  # the setup's own set_volume(100) is changed
    assert 'src.get_item("A1").tracker.set_volume(120)\n' in fixed_volume
    assert "set_volume(100)" not in fixed_volume
    assert simulate(fixed_volume, setup="make", cache=False).ok


# --- every offered fix leaves the protocol free of its failure -----------------------------

TESTS = Path(__file__).parent
FIXTURES = [p for d in ("protocols", "corpus") for p in sorted((TESTS / d).glob("broken_*.py"))]


def _setup(path: Path) -> str | None:
    return json.loads(path.with_suffix(".json").read_text()).get("setup")  # type: ignore[no-any-return]


def _broken_by(fix: Fix, shown: dict[str, Any], source: str, report: Any, mode: Any
               ) -> list[str]:
    """What is wrong with the source ``fix`` makes, simulated here again: it does not parse,
    the failure is still at its line, or a failure appears on some path (the other branch of
    an ``if`` included) that the fix does not say appears (what it breaks, or what the fixed
    failure hid where the protocol never got before)."""
    fixed = fix.apply(source)
    try:
        ast.parse(fixed)
    except SyntaxError as exc:
        return [f"does not parse: {exc}"]
    again = simulate(fixed, setup=report.setup, params=report.params, cache=False)
    line = new_line(source, fixed, mode.line)
    before = {(f.kind, new_line(source, fixed, f.line)) for m in report.failure_modes
              for f in (m, *m.consequences)}
    remains = [f"{f.kind} @ {f.line} remains" for f in again.failure_modes
               if (f.kind, f.line) == (mode.kind, line)]
    # (a failure the report folds its consequences into says so after the proof's words)
    new = [re.sub(r"; the .* fails? for the same reason$", "", f.message)
           for f in again.failure_modes if (f.kind, f.line) not in before]
    said = shown.get("breaks", []) + shown.get("reveals", [])  # what appears, said
    unsaid = [f"{m} is new" for m in new if m not in said]
    wrong = ["not proven, yet it breaks nothing"] if not (
        shown["proven"] or shown.get("breaks")) else []
    return remains + unsaid + wrong


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_offered_fix_parses_removes_its_failure_and_says_what_appears(path: Path):
    source = path.read_text()
    report = simulate(str(path), setup=_setup(path), cache=False)
    problems = [f"{mode.kind} @ {mode.line}, fix {fix.description!r}: {p}"
                for mode in report.failure_modes
                for fix, shown in zip(mode.data["fix_objects"], mode.fixes, strict=True)
                for p in _broken_by(fix, shown, source, report, mode)]
    assert not problems, "\n".join(problems)


def test_a_fix_that_lets_another_failure_appear_is_offered_only_without_a_proven_one():
    for path in FIXTURES:
        for mode in simulate(str(path), setup=_setup(path)).failure_modes:
            proven = [f["proven"] for f in mode.fixes]
            assert proven in ([], [False]) or all(proven), (path.stem, mode.kind, proven)


LOOP_FIXTURES = ["broken_no_tips_loop", "broken_no_tips_after_drop", "broken_pickup_loop",
                 "broken_spot_loop"]


@pytest.mark.parametrize("stem", LOOP_FIXTURES)
def test_the_first_fixes_applied_together_leave_a_loop_protocol_ok(stem: str):
    path = TESTS / "protocols" / f"{stem}.py"
    report = simulate(str(path), setup=_setup(path), cache=False)
    fixed = apply_all(report.source, report.failure_modes)
    after = simulate(fixed, setup=_setup(path), cache=False)
    assert after.ok, (fixed, after.summary())


def test_a_missing_pick_up_in_a_loop_takes_new_full_columns_and_drops_them_each_iteration():
    path = TESTS / "protocols" / "broken_no_tips_loop.py"
    report = simulate(str(path), setup="setup", cache=False)
    fixed = report.failure_modes[0].data["fix_objects"][0].apply(report.source)
    # the setup used columns 1-4: the loop's columns 1-4 become 5-8; the drop after the loop
    # moves to the end of the body, where each iteration's tips are done
    assert ('    for col in range(1, 5):\n'
            '        await lh.pick_up_tips(tips[f"A{col + 4}:H{col + 4}"])\n'
            '        await lh.aspirate(source[f"A{col}:H{col}"], vols=[20] * 8)\n'
            '        await lh.dispense(dest[f"A{col}:H{col}"], vols=[20] * 8)\n'
            '        await lh.discard_tips()\n\n') in fixed


def test_the_cli_prints_a_fixed_loop_protocol_that_simulates_clean_and_runs_on_plr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = TESTS / "protocols" / "broken_no_tips_loop.py"
    assert main(["simulate", str(path), "--setup", "setup", "--fix"]) == 0  # fixed: clean
    out = capsys.readouterr()
    assert "ok after fixing" in out.err
    fixed = tmp_path / "fixed.py"
    fixed.write_text(out.out)
    assert main(["simulate", str(fixed), "--setup", "setup"]) == 0
    assert "ok — 16 ops" in capsys.readouterr().out
    assert plr_harness.run_file(fixed).completed
    assert plr_harness.run_file(path).expected() == {"raises": "NoTipError", "line": 12}


def test_tips_never_dropped_in_a_loop_are_dropped_at_the_end_of_each_iteration():
    path = TESTS / "protocols" / "broken_pickup_loop.py"
    mode = simulate(str(path), cache=False).failure_modes[0]
    fixes = mode.data["fix_objects"]
    assert [f.description for f in fixes] == [
        "drop the tips at the end of each iteration (after line 10)"]
    fixed = fixes[0].apply(path.read_text())
    assert fixed.endswith("        await lh.discard_tips()\n")  # moved from after the loop


def test_a_pick_up_whose_tips_are_never_used_is_removed_not_the_helpers_own(tmp_path: Path):
    # the helper's pick-up fails on its second call; removing it would leave the first call
    # with no tips: the caller's extra pick-up before it (tips never used) is the one to go
    src = ("async def add(lh, tips, src, dst, col):\n"
           "    await lh.pick_up_tips(tips[f'A{col}:H{col}'])\n"
           "    await lh.aspirate(src[f'A{col}:H{col}'], vols=[20] * 8)\n"
           "    await lh.dispense(dst[f'A{col}:H{col}'], vols=[20] * 8)\n"
           "    await lh.discard_tips()\n\n\n"
           "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):\n"
           "    await add(lh, tips, src, dst, 1)\n"
           "    await lh.pick_up_tips(tips['A2:H2'])\n"
           "    await add(lh, tips, src, dst, 3)\n")
    mode = simulate(src, cache=False).failure_modes[0]
    assert (mode.kind, mode.line) == ("tips_already_loaded", 2)
    assert mode.fixes[0]["description"] == (
        "remove the pick-up at line 10: its tips are never used before line 2 picks up again")
    fixed = mode.data["fix_objects"][0].apply(src)
    after = simulate(fixed, cache=False)
    assert after.ok
    path = tmp_path / "fixed.py"
    path.write_text("from pylabrobot.liquid_handling import LiquidHandler\n"
                    "from pylabrobot.resources import Plate, TipRack\n" + fixed)
    assert plr_harness.run_file(path, volumes=start_volumes(after)).completed


def test_a_liquid_op_on_the_default_channels_takes_the_channels_that_hold_the_tips():
    src = H + ("    await lh.pick_up_tips(tips['A1:D1'], use_channels=[0, 2, 4, 6])\n"
               "    await lh.aspirate(src['A1:D1'], vols=[v] * 4)\n"
               "    await lh.dispense(dst['A1:D1'], vols=[v] * 4)\n")
    report = simulate(src, cache=False)
    assert [(m.kind, m.line) for m in report.failure_modes] == [("no_tips", 3), ("no_tips", 4)]
    assert report.failure_modes[0].fixes[0]["description"] == (
        "aspirate with the channels that hold tips: use_channels=[0, 2, 4, 6]")
    assert apply_all(src, report.failure_modes).count("use_channels=[0, 2, 4, 6]") == 3
    # as many wells as tips only: eight wells for four tips is not guessed
    eight = simulate(src.replace("A1:D1'], vols=[v] * 4", "A1:H1'], vols=[v] * 8"),
                     cache=False)
    assert not any("channels that hold tips" in f["description"]
                   for m in eight.failure_modes for f in m.fixes)


UNSAFE = {
    "a pick-up under an if inside a loop would not run every iteration":
        "    for col in range(1, 4):\n        if col > 1:\n"
        "            await lh.aspirate(src[f'A{col}:H{col}'], [v] * 8)\n",
    "the 96 head picks a rack up once: a loop would need one rack per iteration":
        "    for col in range(1, 4):\n        await lh.aspirate96(src, volume=v)\n",
    "stamp(src, dst) misses its volume, aspirate96(src, dst) would take dst as one":
        "    await lh.transfer_96(src, dst)\n",
}


@pytest.mark.parametrize("why", sorted(UNSAFE))
def test_no_fix_is_offered_where_no_edit_keeps_the_protocol_right(why: str):
    report = simulate(H + UNSAFE[why], cache=False)
    assert report.failure_modes
    assert all(not m.fixes and not m.data["fix_objects"] for m in report.failure_modes), [
        (m.kind, m.fixes) for m in report.failure_modes]


IMPORTS = ("from pylabrobot.liquid_handling import LiquidHandler\n"
           "from pylabrobot.resources import Plate, TipRack\n\n\n")
NEAR = H.replace(", v: float = 50", "")
# an unknown method near a PLR one the call binds to once the missing volume is given:
# (the body, the fixed line, what the fix says)
NEAR_METHODS = {
    "dispense missing vols": (
        "    await lh.pick_up_tips(tips['A1'])\n    await lh.aspirate(src['A1'], [10])\n"
        "    await lh.dispence(dst['A1'])\n    await lh.discard_tips()\n",
        "    await lh.dispense(dst['A1'], vols=[10])\n",
        "use dispense() with vols=[10], as the aspirate at line 7 (dispence gives no vols)"),
    "aspirate missing vols": (
        "    await lh.pick_up_tips(tips['A1'])\n    await lh.aspirate_(src['A1'])\n"
        "    await lh.dispense(dst['A1'], [10])\n    await lh.discard_tips()\n",
        "    await lh.aspirate(src['A1'], vols=[10])\n",
        "use aspirate() with vols=[10], as the dispense at line 8 (aspirate_ gives no vols)"),
    "96-head dispense missing volume": (
        "    await lh.pick_up_tips96(tips)\n    await lh.aspirate96(src, volume=30)\n"
        "    await lh.dispense_96(dst)\n    await lh.discard_tips96()\n",
        "    await lh.dispense96(dst, volume=30)\n",
        "use dispense96() with volume=30, as the aspirate96 at line 7 (dispense_96 gives no "
        "volume)"),
}


@pytest.mark.parametrize("case", sorted(NEAR_METHODS))
def test_an_unknown_method_takes_the_near_plr_method_with_the_missing_volume_named(
        case: str, tmp_path: Path):
    body, line, said = NEAR_METHODS[case]
    source = IMPORTS + NEAR + body
    mode = simulate(source, cache=False).failure_modes[0]
    assert mode.kind == "unknown_method"
    assert mode.fixes[0]["description"] == said and mode.fixes[0]["proven"]
    fixed = mode.data["fix_objects"][0].apply(source)
    assert line in fixed
    after = simulate(fixed, cache=False)
    assert after.ok, after.summary()
    path = tmp_path / "fixed.py"
    path.write_text(fixed)
    assert plr_harness.run_file(path, volumes=start_volumes(after)).completed


def test_no_near_method_is_offered_without_a_volume_to_take():
    # transfer_96 needs a volume the protocol never gives: nothing is made up
    source = (NEAR + "    await lh.pick_up_tips96(tips)\n    await lh.transfer_96(src, dst)\n"
              "    await lh.discard_tips96()\n")
    mode = simulate(source, cache=False).failure_modes[0]
    assert mode.kind == "unknown_method" and mode.fixes == []


@pytest.mark.parametrize(("stem", "said"), [
    ("broken_od600_wait_before_setting",
     "set hs's target first: move the set_temperature at line 24 before line 23"),
    ("broken_reagent_into_lidded_plate",
     "take plate's lid off first: move the move_lid at line 35 before line 31"),
])
def test_the_protocols_own_statement_that_readies_a_machine_or_plate_moves_up(stem: str,
                                                                               said: str):
    path = TESTS / "corpus" / f"{stem}.py"
    mode = simulate(str(path), setup="setup", cache=False).failure_modes[0]
    assert mode.kind == "device_state"
    assert mode.fixes[0]["description"] == said and mode.fixes[0]["proven"]
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert len(fixed.splitlines()) == len(path.read_text().splitlines())  # moved, not added


def test_a_plate_left_on_the_deck_moves_onto_the_loading_tray_as_the_variable_it_was_moved_by():
    path = TESTS / "corpus" / "broken_incubator_take_in_from_deck.py"
    mode = simulate(str(path), setup="setup", cache=False).failure_modes[0]
    assert (mode.kind, mode.line) == ("no_plate", 35)
    assert mode.fixes[0]["description"] == ("move plate onto incubator.loading_tray before "
                                            "line 35")
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert ("        await lh.move_plate(plate, incubator.loading_tray)\n"
            '        await incubator.take_in_plate("smallest")\n') in fixed


def test_a_lid_put_on_a_plate_that_has_one_goes_back_on_the_plate_it_came_from():
    path = TESTS / "corpus" / "broken_lid_onto_lidded_plate.py"
    mode = simulate(str(path), setup="setup", cache=False).failure_modes[0]
    assert (mode.kind, mode.line) == ("device_state", 40)
    assert mode.fixes[0]["description"] == ("put controls_lid back on controls, the plate it "
                                            "came from (not plate, which has its lid)")
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert "    await lh.move_lid(controls_lid, controls)\n" in fixed


def test_a_lowered_dispense_lowers_only_its_own_channels_volume_in_the_aspirate():
    path = TESTS / "protocols" / "broken_over_capacity_symbolic.py"
    mode = simulate(str(path), cache=False).failure_modes[0]
    assert mode.fixes[0]["description"] == ("lower the volume at line 10 to 160 µL, what fits "
                                            "(and at line 8 to match)")
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert '    await lh.aspirate(source["A1:B1"], vols=[200, 160])\n' in fixed
    assert '    await lh.dispense(dest["A1"], vols=[200], use_channels=[0])\n' in fixed
    assert '    await lh.dispense(dest["A1"], vols=[160], use_channels=[1])\n' in fixed


def test_a_wait_for_a_block_target_nothing_set_goes_when_a_profile_sets_its_own():
    path = TESTS / "corpus" / "broken_pcr_wait_for_block_unset.py"
    mode = next(m for m in simulate(str(path), setup="setup", cache=False).failure_modes
                if m.on_default_path)  # (more columns than tips: an earlier line, no fix)
    assert mode.fixes[0]["description"] == (
        "remove the wait_for_block at line 40: nothing set a target to wait for, and the "
        "run_pcr_profile at line 44 sets its own")
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert "tc.wait_for_block()" not in fixed and "await block.wait_for_temperature()" in fixed


def test_a_misspelt_plate_name_is_corrected_where_the_protocol_writes_it():
    path = TESTS / "corpus" / "broken_incubator_name_typo.py"
    mode = simulate(str(path), setup="setup", cache=False).failure_modes[0]
    assert mode.fixes[0]["description"] == ("fetch 'culture_2', the plate of the closest name "
                                            "the machine holds ('culture2' at line 24)")
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert 'names: str = "culture_1,culture_2"):' in fixed
    assert "(``culture2``)" in fixed  # the docstring stays as written


def test_one_temperature_per_zone_when_every_value_given_was_the_same():
    path = TESTS / "corpus" / "broken_pcr_two_zone_temperatures.py"
    mode = next(m for m in simulate(str(path), setup="setup", cache=False).failure_modes
                if m.on_default_path)  # (more columns than tips: an earlier line, no fix)
    assert mode.fixes[0]["description"] == ("temperature=[4.0]: tc has 1 zone, and every "
                                            "value given was 4.0")
    fixed = mode.data["fix_objects"][0].apply(path.read_text())
    assert "    await tc.set_block_temperature([4.0])\n" in fixed
    # different values: which zone keeps which is the protocol's choice, no fix
    other = next(m for m in simulate(path.read_text().replace("[4.0, 4.0]", "[4.0, 10.0]"),
                                     setup="setup", cache=False).failure_modes
                 if m.on_default_path)
    assert other.kind == "bad_arguments" and other.fixes == []
