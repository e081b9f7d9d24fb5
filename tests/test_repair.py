"""--fix: proven fixes applied round after round until the protocol is clean or nothing more
can be fixed, saying what was applied and what is left (CLI, %%praxis simulate --fix and
SimulationReport.apply_fix() share praxis_lab.fixes.repair)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from praxis_lab.cli import main
from praxis_lab.fixes.repair import repair
from praxis_lab.pipeline import simulate

HEAD = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):\n"
# a misspelt aspirate hides that no tip was picked up: two rounds
TWO_ROUNDS = (HEAD + '    await lh.aspirat(src["A1"], [10])\n'
              '    await lh.dispense(dst["A1"], [10])\n')
# ... and a method PLR has nothing near to: nothing can fix it
UNFIXABLE = TWO_ROUNDS + "    await lh.frobnicate(dst)\n"
# a missing pick-up in a protocol that drops its own tips
NO_PICK_UP = (HEAD + '    await lh.aspirate(src["A1"], [10])\n'
              '    await lh.dispense(dst["A1"], [10])\n'
              "    await lh.discard_tips()\n")


def test_fixes_are_applied_round_after_round_until_the_protocol_is_clean():
    fixed = repair(simulate(TWO_ROUNDS, cache=False))
    assert fixed.ok and fixed.rounds == 2
    assert fixed.applied == ["use aspirate() (the closest real method)",
                             'pick up tips (tips["A1"]) before line 2']
    assert fixed.source == (HEAD + '    await lh.pick_up_tips(tips["A1"])\n'
                            '    await lh.aspirate(src["A1"], [10])\n'
                            '    await lh.dispense(dst["A1"], [10])\n')
    assert fixed.summary().splitlines() == [
        "applied 2 fixes in 2 rounds:", "  ✓ use aspirate() (the closest real method)",
        '  ✓ pick up tips (tips["A1"]) before line 2', "p: ok after fixing"]


def test_it_stops_when_nothing_more_can_be_fixed_and_says_what_is_left():
    fixed = repair(simulate(UNFIXABLE, cache=False))
    assert not fixed.ok and len(fixed.applied) == 2
    assert [(m.kind, m.line) for m in fixed.left] == [("unknown_method", 5)]
    said = fixed.summary().splitlines()
    assert said[-2:] == ["left: 1 failure mode", "  ✗ unknown_method @ line 5: lh.frobnicate "
                         "does not exist on PLR's LiquidHandler (no proven fix)"]
    assert simulate(fixed.source, cache=False).failure_modes[0].kind == "unknown_method"


def test_a_missing_pick_up_is_added_and_the_protocols_own_drop_kept():
    fixed = repair(simulate(NO_PICK_UP, cache=False))
    assert fixed.ok and fixed.applied == ['pick up tips (tips["A1"]) before line 2']
    assert fixed.source.endswith('    await lh.pick_up_tips(tips["A1"])\n'
                                 '    await lh.aspirate(src["A1"], [10])\n'
                                 '    await lh.dispense(dst["A1"], [10])\n'
                                 "    await lh.discard_tips()\n")


def test_a_drop_after_tips_used_without_a_pick_up_is_never_removed():
    # the 96 head takes the whole rack later: no spot is left for a single pick-up, and
    # removing the drop would leave the tips of the missing pick-up mounted
    src = NO_PICK_UP + "    await lh.pick_up_tips96(tips)\n    await lh.discard_tips96()\n"
    report = simulate(src, cache=False)
    offered = [f["description"] for m in report.failure_modes for f in m.fixes]
    assert not any("remove the discard_tips" in d for d in offered), offered
    fixed = repair(report)
    assert "    await lh.discard_tips()\n" in fixed.source
    assert [(m.kind, m.line) for m in fixed.left][:1] == [("no_tips", 2)]
    assert "left: " in fixed.summary()


def test_a_second_drop_is_removed():
    src = (HEAD + '    await lh.pick_up_tips(tips["A1"])\n    await lh.discard_tips()\n'
           "    await lh.discard_tips()\n")
    fixed = repair(simulate(src, cache=False))
    assert fixed.ok and fixed.applied == ["remove the discard_tips at line 4: no tip is "
                                          "mounted there"]


def test_apply_fix_without_arguments_repairs_and_returns_what_the_failure_list_shows():
    out = simulate(UNFIXABLE, cache=False).apply_fix()
    assert out["ok"] is False and len(out["applied"]) == 2
    assert [m["kind"] for m in out["failure_modes"]] == ["unknown_method"]
    assert "+    await lh.pick_up_tips(tips[\"A1\"])" in out["diff"]
    assert "left: 1 failure mode" in out["summary"]


def test_the_cli_prints_the_fixed_source_says_what_is_left_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "p.py"
    path.write_text(UNFIXABLE)
    assert main(["simulate", str(path), "--fix"]) == 1
    out = capsys.readouterr()
    ast.parse(out.out)
    assert out.out == repair(simulate(UNFIXABLE, cache=False)).source
    assert "applied 2 fixes in 2 rounds:" in out.err
    assert "left: 1 failure mode" in out.err and "lh.frobnicate" in out.err
    path.write_text(TWO_ROUNDS)
    assert main(["simulate", str(path), "--fix"]) == 0
    assert "p: ok after fixing" in capsys.readouterr().err


def test_steps_that_only_let_the_protocol_get_further_are_undone_when_they_lead_nowhere():
    # the helper's pick-up fails on its second call (the caller still holds tips it used);
    # removing that pick-up moves the failure to the helper's first call: a later line of
    # the file, but sooner in the run; nothing fixes that, so the removal is undone
    helper = ("async def add(lh, tips, src, dst, col):\n"
              "    await lh.pick_up_tips(tips[f'A{col}:H{col}'])\n"
              "    await lh.aspirate(src[f'A{col}:H{col}'], vols=[20] * 8)\n"
              "    await lh.dispense(dst[f'A{col}:H{col}'], vols=[20] * 8)\n"
              "    await lh.discard_tips()\n\n\n")
    src = helper + HEAD + ("    await add(lh, tips, src, dst, 1)\n"
                           "    await lh.pick_up_tips(tips['A2:H2'])\n"
                           "    await lh.aspirate(src['A2:H2'], vols=[20] * 8)\n"
                           "    await lh.dispense(dst['A2:H2'], vols=[20] * 8)\n"
                           "    await add(lh, tips, src, dst, 3)\n")
    report = simulate(src, cache=False)
    assert [(m.kind, m.line) for m in report.failure_modes][:1] == [("tips_already_loaded", 2)]
    fixed = repair(report)
    assert fixed.applied == [] and fixed.source == src
    assert [(m.kind, m.line) for m in fixed.left][:1] == [("tips_already_loaded", 2)]



def test_a_rack_emptied_by_an_earlier_call_is_left_as_it_is_not_half_fixed():
    # the helper's second call finds the rack empty: picking up "the tips left" removes
    # that failure but picks up nothing, and the aspirate after it fails instead; no
    # refill is written, so the step is undone and the protocol left as it was
    path = Path(__file__).parent / "corpus" / "broken_tip_rack_not_refilled.py"
    report = simulate(str(path), setup="setup", cache=False)
    fixed = repair(report)
    assert fixed.applied == [] and fixed.source == report.source
    assert [(m.kind, m.line) for m in fixed.left] == [("tip_spot_empty", 20)]
