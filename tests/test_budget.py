"""--json stays under 1 MB for any protocol, what was left out counted; the same failure on
several paths is one mode with short conditions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from praxis_lab.cli import budget, main
from praxis_lab.cli.budget import LIMIT, bounded

CORPUS = Path(__file__).parent / "corpus"

BIG = '''async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, w: float = 5):
    for rep in range(30):
        for col in range(1, 13):
            await lh.pick_up_tips(tips[f"A{col}:H{col}"])
            await lh.aspirate(src[f"A{col}:H{col}"], vols=[10] * 8)
            if w > rep:
                await lh.dispense(dst[f"A{col}:H{col}"], vols=[10] * 8)
            await lh.dispense(dst[f"A{col}:H{col}"], vols=[0] * 8)
            await lh.drop_tips(tips[f"A{col}:H{col}"])
'''


def test_a_large_report_is_cut_under_the_limit_and_says_what_it_left_out(tmp_path, capsys):
    f = tmp_path / "big.py"
    f.write_text(BIG)
    main(["simulate", str(f), "--json"])
    out = capsys.readouterr().out
    assert len(out.encode()) < 1_000_000
    data = json.loads(out)
    assert data["left_out"] and all(n > 0 for n in data["left_out"].values())
    assert set(data["left_out"]) <= {"timeline.steps", "graph.operations",
                                     "deck_layout.resources", "requirements.liquid",
                                     "graph.execution_order", "trace_issues", "failure_modes",
                                     "failure_modes.ops", "failure_modes.involves",
                                     "failure_modes.conditions"}


def test_a_small_report_is_left_whole():
    data = {"failure_modes": [{"conditions": ["a"], "ops": ["op_1"]}], "graph": {}}
    assert bounded(dict(data)) == data


def test_a_failure_modes_lists_are_cut_and_counted():
    mode = {"conditions": [f"v > {i}" for i in range(50)], "ops": list(range(500))}
    data = bounded({"failure_modes": [mode]}, LIMIT)
    assert len(data["failure_modes"][0]["conditions"]) == 20
    assert data["left_out"] == {"failure_modes.conditions": 30, "failure_modes.ops": 300}


def test_the_same_failure_on_four_paths_is_one_mode_whose_condition_is_what_they_share(capsys):
    path = CORPUS / "ok_extra_top_up_grouped.py"
    assert main(["simulate", str(path), "--setup", "setup", "--json"]) == 1
    (mode,) = json.loads(capsys.readouterr().out)["failure_modes"]
    assert (mode["kind"], mode["line"], mode["condition"], mode["paths"]) == (
        "over_capacity", 32, "extra", 4)
    assert len(mode["conditions"]) == 4 and mode["on_default_path"] is False
    assert mode["message"].endswith("(when extra)")


def test_the_loop_corpus_stays_small(capsys):
    for stem in ("ok_backfill_384", "ok_serial_dilution_while_mix", "ok_optional_steps"):
        main(["simulate", str(CORPUS / f"{stem}.py"), "--setup", "setup", "--json"])
        assert len(capsys.readouterr().out.encode()) < 1_000_000, stem


@pytest.mark.parametrize("steps", [10, 50_000])
@pytest.mark.parametrize("conditions", [3, 60])
def test_the_json_text_is_what_bounded_gives_dumped_once_when_it_fits(steps, conditions):
    def report():
        return {"failure_modes": [{"kind": "overflow", "conditions": [f"v > {i}" for i in
                                                                     range(conditions)]}],
                "timeline": {"steps": [{"op": i, "note": "x" * 20} for i in range(steps)]}}

    text = budget.bounded_json(report(), limit=100_000)
    assert text == json.dumps(budget.bounded(report(), limit=100_000), default=str)
    assert len(text) <= 100_000
    assert ("left_out" in json.loads(text)) == (steps > 10 or conditions > 20)
