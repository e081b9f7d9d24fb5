"""``--format text|json|github|sarif`` and ``praxis-lab check``: what CI tools read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from praxis_lab.cli import main
from praxis_lab.cli.formats import replacements

TESTS = Path(__file__).parent
PROTOCOLS = TESTS / "protocols"
SCHEMA = json.loads((TESTS / "schemas" / "sarif-2.1.0.json").read_text())
BRANCHY = PROTOCOLS / "broken_no_tips_branch.py"  # two conditional failures, fixes
OK = PROTOCOLS / "ok_plate_copy.py"

ALWAYS = '''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[30])
    await lh.drop_tips(tips["A1"])
'''


def _sarif(capsys, *argv: str) -> dict:
    main([*argv, "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return log


def test_github_annotations_are_errors_on_every_path_and_warnings_on_some(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "always.py").write_text(ALWAYS)
    assert main(["simulate", "always.py", "--format", "github"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("::error file=always.py,line=5,col=11,title=tip_not_empty::"
                           "tip_not_empty: drop")
    assert "%0Afix: " in line  # the first fix, on a line of its own
    assert main(["simulate", str(BRANCHY), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    # the dispense's no_tips follows from the aspirate's: one failure mode, one warning
    assert [ln.split(" ", 1)[0] for ln in lines] == ["::warning"]
    assert "line=8,col=15,title=no_tips::no_tips: aspirate 250 µL" in lines[0]
    assert "(when volume > 200; fails with the defaults)" in lines[0]


def test_github_escapes_what_would_end_a_property_or_the_message():
    from praxis_lab.cli.formats import _command

    said = _command("error", "dir,1/p:2.py", 3, 0, "k", "50% of it\nthen more")
    assert said == "::error file=dir%2C1/p%3A2.py,line=3,col=1,title=k::50%25 of it%0Athen more"


def test_an_ok_protocol_prints_no_annotation_and_exits_0(capsys):
    assert main(["simulate", str(OK), "--format", "github"]) == 0
    assert capsys.readouterr().out.strip() == ""


def test_sarif_is_valid_with_one_rule_per_kind_and_results_with_region_and_fixes(capsys):
    from praxis_lab.sim.failures import KINDS

    log = _sarif(capsys, "simulate", str(BRANCHY))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(KINDS)
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("no_tips", "warning")]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "no_tips"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 8,
                                                                  "startColumn": 15}
    assert first["properties"]["condition"] == "volume > 200"
    (fix,) = first["fixes"]
    assert fix["description"]["text"].startswith("pick up tips")
    # the replacements turn the file into the fixed source, which simulates ok
    source = BRANCHY.read_text()
    fixed = _apply(source, fix["artifactChanges"][0]["replacements"])
    assert "await lh.pick_up_tips(tips[\"A2\"])" in fixed.splitlines()[7]
    from praxis_lab.pipeline import simulate

    assert not any(m.line == 9 for m in simulate(fixed).failure_modes)


def _apply(source: str, changes: list[dict]) -> str:
    for change in sorted(changes, key=lambda c: -c["deletedRegion"]["charOffset"]):
        start = change["deletedRegion"]["charOffset"]
        end = start + change["deletedRegion"]["charLength"]
        source = source[:start] + change["insertedContent"]["text"] + source[end:]
    return source


@pytest.mark.parametrize(("before", "after"), [
    ("a\nb\nc\n", "a\nc\n"), ("a\nb\n", "x\na\nb\n"), ("a\nb", "a\nb\nc\n"), ("", "x\n"),
    ("a\nb\nc\n", "a\nB\nc\nd\n"),
])
def test_sarif_replacements_rebuild_the_fixed_text(before, after):
    assert _apply(before, replacements(before, after)) == after


def test_sarif_of_a_file_that_cannot_be_simulated_is_a_notification(tmp_path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text("async def p(lh: LiquidHandler):\n    await lh.aspirate(\n")
    log = _sarif(capsys, "check", str(bad))
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error" and "syntax error" in note["message"]["text"]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_json_is_an_alias_of_format_json(capsys):
    assert main(["simulate", str(OK), "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["simulate", str(OK), "--format", "json"]) == 0
    b = json.loads(capsys.readouterr().out)
    for d in (a, b):
        d.pop("timings_ms")
    assert a == b and a["protocol"] == "copy_plate"


def test_json_with_another_format_is_a_usage_error(capsys):
    assert main(["simulate", str(OK), "--json", "--format", "sarif"]) == 2
    assert "--json is --format json" in capsys.readouterr().err


def test_check_simulates_every_protocol_file_and_exits_with_the_worst(tmp_path, capsys):
    (tmp_path / "helpers.py").write_text("def volume():\n    return 5\n")
    (tmp_path / "always.py").write_text(ALWAYS)
    files = [str(OK), str(tmp_path / "helpers.py"), str(tmp_path / "always.py")]
    assert main(["check", *files]) == 1
    out = capsys.readouterr().out
    assert "copy_plate: ok" in out and "always.py: p: FAILS" in out and "helpers" not in out
    assert main(["check", str(OK), str(tmp_path / "helpers.py")]) == 0
    capsys.readouterr()
    (tmp_path / "broken.py").write_text("async def p(lh: LiquidHandler:\n")
    assert main(["check", str(tmp_path / "always.py"), str(tmp_path / "broken.py")]) == 2
    assert "broken.py: not simulated: syntax error" in capsys.readouterr().out


def test_check_binds_the_setup_where_a_file_defines_it(capsys):
    with_setup = PROTOCOLS / "broken_insufficient_exact.py"  # needs its setup to fail
    assert main(["check", str(with_setup), str(OK), "--setup", "setup",
                 "--format", "json"]) == 1
    (first, second) = json.loads(capsys.readouterr().out)
    assert first["report"]["level"] == "exact" and not first["report"]["ok"]
    assert second["report"]["level"] == "symbolic" and second["report"]["ok"]


def test_check_of_files_without_a_protocol_says_so(tmp_path, capsys):
    (tmp_path / "helpers.py").write_text("X = 1\n")
    assert main(["check", str(tmp_path / "helpers.py")]) == 0
    assert "no protocol in the files given" in capsys.readouterr().err
