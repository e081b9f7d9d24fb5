"""The report's verdict: ok, FAILS, or not fully checked (a bound stopped the check), each
with the exit code the command line gives it, and every line it names inside the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from praxis_lab.cli import main
from praxis_lab.pipeline import simulate
from praxis_lab.trace import limit

CORPUS = Path(__file__).parent / "corpus"
OPTIONAL = CORPUS / "ok_optional_steps.py"

SPIN = '''import textwrap


async def wait_for_plate(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    ready = False
    while not ready:
        textwrap.dedent("    polling the reader")
'''


def _lines(source: str) -> int:
    return source.count("\n") + 1


def test_a_path_bound_is_a_verdict_of_its_own_naming_the_branching_line():
    report = simulate(str(OPTIONAL), setup="setup", cache=False)
    assert not report.failure_modes and not report.complete and not report.ok
    assert report.verdict() == "not fully checked"
    (why,) = report.incomplete
    assert why.startswith("path_bound at line 25: more than 256 paths")
    assert "the branches at line 25 fork on parameters" in why
    summary = report.summary()
    assert summary.startswith("optional_additions: not fully checked — ")
    assert "  not fully checked: path_bound at line 25" in summary
    data = report.to_dict()
    assert data["complete"] is False and data["incomplete"] == [why]


def test_a_timeout_names_a_line_of_the_users_file_even_when_it_fires_elsewhere(monkeypatch):
    monkeypatch.setattr(limit, "_BUDGET", [0.3])  # each simulation's time limit
    report = simulate(SPIN, cache=False)
    assert not report.complete and not report.failure_modes
    (issue,) = [i for i in report.issues if i.kind == "timeout"]
    assert issue.line in (7, 8)  # the loop, never a line of textwrap
    assert report.incomplete == [f"timeout at line {issue.line}: {issue.message}"]


def test_a_complete_clean_report_says_ok_and_complete():
    report = simulate("async def p(lh: LiquidHandler, tips: TipRack):\n"
                      "    await lh.pick_up_tips(tips['A1'])\n", cache=False)
    assert report.ok and report.complete and report.verdict() == "ok"
    assert report.to_dict()["complete"] is True and report.incomplete == []


def test_a_failure_found_before_the_bound_makes_it_fail_not_incomplete(monkeypatch):
    monkeypatch.setattr(limit, "_BUDGET", [0.3])
    source = SPIN.replace('await lh.pick_up_tips(tips["A1"])',
                          'await lh.aspirate(plate["A1"], vols=[10])')
    report = simulate(source, cache=False)
    assert [f.kind for f in report.failure_modes] == ["no_tips"]
    assert not report.complete and report.verdict() == "FAILS"


@pytest.mark.parametrize("fmt", [[], ["--json"], ["--format", "github"]])
def test_the_command_exits_3_when_not_fully_checked_and_no_failure_was_found(fmt, capsys):
    assert main(["simulate", str(OPTIONAL), "--setup", "setup", *fmt]) == 3
    out = capsys.readouterr().out
    if fmt == ["--json"]:
        data = json.loads(out)
        assert data["complete"] is False and data["failure_modes"] == []
    else:
        assert "path_bound" in out


def test_the_command_exits_1_on_a_failure_even_when_not_fully_checked(
        tmp_path, capsys):
    f = tmp_path / "p.py"
    f.write_text(SPIN.replace('await lh.pick_up_tips(tips["A1"])',
                              'await lh.aspirate(plate["A1"], vols=[10])'))
    assert main(["simulate", str(f), "--json", "--time-limit", "3"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["complete"] is False
    lines = _lines(f.read_text())
    named = [i["line"] for i in data["trace_issues"]] + [m["line"] for m in data["failure_modes"]]
    assert all(n is None or 1 <= n <= lines for n in named)
