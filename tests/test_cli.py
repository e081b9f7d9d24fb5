"""The praxis-lab command: JSON contract, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from praxis_lab.cli import main

PROTOCOLS = Path(__file__).parent / "protocols"
COPY = PROTOCOLS / "ok_plate_copy.py"


def test_simulate_json_has_the_design_fields_and_exit_0(capsys):
    assert main(["simulate", str(COPY), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["protocol"] == "copy_plate" and data["ok"] is True and data["paths"] == 1
    assert data["requirements"]["tips"] == {"tips": 96}
    assert data["requirements"]["on_deck"] == ["tips", "source", "dest"]
    graph = data["graph"]
    assert len(graph["operations"]) == 48 and len(graph["execution_order"]) == 48
    assert graph["resources"]["source"]["parental_chain"] == ["PlateCarrier", "Deck"]
    assert {"analyse", "trace", "simulate", "total"} <= set(data["timings_ms"])
    assert sum(1 for r in data["deck_layout"]["resources"] if r["category"] == "well") == 192


def test_a_failing_protocol_exits_1_and_prints_the_failure(tmp_path, capsys):
    f = tmp_path / "bad.py"
    f.write_text("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n"
                 "    await lh.aspirate(plate['A1'], [10])\n")
    assert main(["simulate", str(f)]) == 1
    out = capsys.readouterr().out
    assert "no_tips @ line 2" in out and "fix: pick up tips" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["simulate", "missing.py"], "protocol file not found: missing.py"),
    (["simulate", str(COPY), "--protocol", "nope"], "no protocol named 'nope'"),
    (["simulate", str(COPY), "--param", "volume"], "write it as NAME=VALUE"),
    (["simulate", str(COPY), "--param", "speed=3"], "--param speed"),
    (["simulate", str(COPY), "--setup", "make_deck"], "setup 'make_deck' not found"),
])
def test_usage_errors_exit_2_with_one_line_and_no_traceback(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_setup_errors_are_one_line(tmp_path, capsys):
    f = tmp_path / "p.py"
    f.write_text("def make():\n    raise RuntimeError('no deck today')\n\n"
                 "async def p(lh: LiquidHandler, plate: Plate):\n    pass\n"
                 "def wrong():\n    return {'plates': 1}\n")
    assert main(["simulate", str(f), "--setup", "make"]) == 2
    assert "setup 'make' raised RuntimeError: no deck today @ line 2" in capsys.readouterr().err
    assert main(["simulate", str(f), "--setup", "wrong"]) == 2
    assert "returned plates which p has no parameter for" in capsys.readouterr().err


def test_fix_prints_the_fixed_source(tmp_path, capsys):
    f = tmp_path / "p.py"
    f.write_text("async def p(lh: LiquidHandler, plate: Plate):\n"
                 "    await lh.aspirat(plate['A1'], [1])\n")
    main(["simulate", str(f), "--fix"])
    assert "lh.aspirate(plate['A1'], [1])" in capsys.readouterr().out


def test_help_lists_every_command():
    out = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for word in ("simulate", "run", "history", "examples:"):
        assert word in out


def test_the_simulate_path_imports_no_heavy_packages():
    code = (f"import sys; from praxis_lab.cli import main; main(['simulate', {str(COPY)!r}, "
            "'--json']); heavy = [m for m in ('pandas', 'sqlmodel', 'plotly', 'anywidget', "
            "'libcst') if m in sys.modules]; print('HEAVY', heavy, file=sys.stderr)")
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stderr
    assert "HEAVY []" in err


FAILURE_FIELDS = {"kind", "certainty", "condition", "line", "column", "method", "message",
                  "resources", "fixes"}


def test_simulate_json_failure_modes_have_the_design_fields_with_their_types(capsys):
    branch = PROTOCOLS / "broken_no_tips_branch.py"
    assert main(["simulate", str(branch), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    mode = data["failure_modes"][0]
    assert set(mode) >= FAILURE_FIELDS
    assert (mode["kind"], mode["certainty"], mode["condition"]) == (
        "no_tips", "conditional", "volume > 200")
    assert (mode["line"], mode["column"], mode["method"]) == (8, 14, "aspirate")
    assert mode["resources"] == ["plate[A1]"] and isinstance(mode["message"], str)
    assert mode["fixes"] and all(set(f) == {"description", "edit", "proven"} and f["proven"]
                                 for f in mode["fixes"])
    liquid = data["requirements"]["liquid"]
    assert all(set(row) == {"parameter", "well", "min_volume"} for row in liquid)


def test_a_failure_the_protocol_raises_itself_points_at_the_raising_expression(capsys):
    trough = PROTOCOLS / "broken_wrong_trough_indexed.py"  # `trough["A1"]` at line 8
    assert main(["simulate", str(trough), "--json"]) == 1
    (mode,) = json.loads(capsys.readouterr().out)["failure_modes"]
    line = trough.read_text().splitlines()[mode["line"] - 1]
    assert mode["kind"] == "wrong_resource" and line[mode["column"]:].startswith('trough["A1"]')


def test_a_store_error_is_one_line_and_exit_2(capsys):
    url = "postgresql+psycopg://lab:pw@127.0.0.1:9/runs"  # nothing listens on port 9
    assert main(["requests", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("praxis-lab requests: ") and len(err.splitlines()) == 1
    assert "lab:***@127.0.0.1:9" in err and "Traceback" not in err


def test_an_internal_error_is_one_line_naming_it_and_exit_2(monkeypatch, capsys):
    import praxis_lab.pipeline

    def broken(*args, **kwargs):
        raise KeyError("graph node 7")

    monkeypatch.setattr(praxis_lab.pipeline, "simulate", broken)
    assert main(["simulate", str(COPY)]) == 2
    err = capsys.readouterr().err
    assert err == ("praxis-lab simulate: internal error KeyError: 'graph node 7' (rerun with "
                   "--debug for the traceback, and report it)\n")


@pytest.mark.parametrize("argv", [["--debug", "simulate", str(COPY)],
                                  ["simulate", str(COPY), "--debug"]])
def test_debug_prints_the_traceback_before_the_line(monkeypatch, capsys, argv):
    import praxis_lab.pipeline

    def broken(*args, **kwargs):
        raise KeyError("graph node 7")

    monkeypatch.setattr(praxis_lab.pipeline, "simulate", broken)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "in broken" in err and err.splitlines()[-1].startswith("praxis-lab simulate: internal")


def test_debug_shows_where_a_user_error_came_from(capsys):
    assert main(["simulate", str(COPY), "--protocol", "nope", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "ProtocolError" in err
    assert err.splitlines()[-1].startswith("praxis-lab simulate: no protocol named 'nope'")


def test_deck_prints_the_proposed_deck_and_exports_a_make_deck_that_simulates_exactly(
        tmp_path, capsys):
    assert main(["deck", str(COPY)]) == 0
    shown = capsys.readouterr().out
    assert "rail 7   plt_car_1 (PLT_CAR_L5AC_A00)" in shown and "96 wells filled" in shown
    assert main(["deck", str(COPY), "--export"]) == 0
    exported = capsys.readouterr().out
    assert exported.count("def make_deck():") == 1
    protocol = tmp_path / "copy.py"
    protocol.write_text(COPY.read_text() + "\n\n" + exported)
    assert main(["simulate", str(protocol), "--setup", "make_deck", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["level"] == "exact" and report["ok"] is True


def test_deck_json_is_the_plan_and_a_setup_without_factories_is_one_line(tmp_path, capsys):
    assert main(["deck", str(PROTOCOLS / "ok_96_head.py"), "--setup", "setup", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["deck"] == "STARLetDeck" and [c["rails"] for c in plan["carriers"]] == [1, 8]
    unresolved = tmp_path / "odd.py"
    unresolved.write_text("async def p(lh: LiquidHandler, r: Reservoir):\n    pass\n")
    assert main(["deck", str(unresolved), "--export"]) == 2
    assert "no labware for r (Reservoir)" in capsys.readouterr().err


PRINTS = Path(__file__).parent / "corpus" / "ok_prints_progress.py"


def test_the_protocols_prints_never_reach_stdout_and_are_kept_in_the_report(capsys):
    # (columns pinned: more than 8 columns run the stock dry, a conditional failure, exit 1)
    assert main(["simulate", str(PRINTS), "--setup", "setup", "--json",
                 "--param", "columns=2"]) == 0
    data = json.loads(capsys.readouterr().out)  # pure JSON: the module's, setup's and body's
    assert data["protocol_output"] == ["volumes: [25, 50]", "column 1: 25 uL",  # prints kept
                                       "column 2: 50 uL", "done"]
    assert main(["simulate", str(PRINTS), "--setup", "setup", "--param", "columns=2"]) == 0
    out = capsys.readouterr().out
    assert "loading the normalisation protocol" not in out and "deck: [" not in out
    assert "  printed: volumes: [25, 50] (+3 more lines)" in out


def test_a_symbolic_number_prints_as_its_value_on_the_path(tmp_path, capsys):
    f = tmp_path / "p.py"
    f.write_text("async def p(lh: LiquidHandler, tips: TipRack, v: float = 5):\n"
                 "    print([v, v * 2], repr(v), f'{v + 1}')\n"
                 "    if v > 10:\n        print('big', v)\n")
    main(["simulate", str(f), "--json"])
    data = json.loads(capsys.readouterr().out)
    (line,) = data["protocol_output"]  # the default path's (v = 5): 'big' is not on it
    assert line == "[5, 10] 5 6" and "Sym" not in line


def test_fix_writes_only_the_fixed_source_even_when_the_protocol_prints(tmp_path, capsys):
    f = tmp_path / "p.py"
    f.write_text("print('module level')\n\n\n"
                 "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):\n"
                 "    print('starting')\n"
                 "    await lh.aspirate(src['A1'], [10])\n"
                 "    await lh.dispense(dst['A1'], [10])\n"
                 "    await lh.pick_up_tips(tips['A1'])\n")
    main(["simulate", str(f), "--fix"])
    fixed = capsys.readouterr().out
    compile(fixed, "fixed.py", "exec")  # valid Python: nothing printed is mixed in
    assert fixed.startswith("print('module level')") and "starting\n" not in fixed


def test_deck_json_and_export_stay_clean_when_the_protocol_prints(capsys):
    assert main(["deck", str(PRINTS), "--setup", "setup", "--json"]) == 0
    json.loads(capsys.readouterr().out)  # the plan only
    assert main(["deck", str(PRINTS), "--export"]) == 0
    compile(capsys.readouterr().out, "make_deck.py", "exec")


@pytest.mark.parametrize("argv", [
    ["simulate", "p.py", "--setup", "make_deck", "--json"],
    ["--debug", "simulate", "p.py", "--param", "volume=5", "--fix"],
    ["check", "a.py", "b.py", "--format", "github", "--time-limit", "3"],
    ["deck", "p.py", "--json"],
])
def test_a_checking_command_built_alone_parses_as_the_whole_command_line_does(argv):
    from praxis_lab.cli.parser import parser

    whole = parser(["--help"])  # every command
    alone = parser(argv)
    assert set(alone._subparsers._group_actions[0].choices) == {argv[argv[0] == "--debug"]}
    assert vars(alone.parse_args(argv)) == vars(whole.parse_args(argv))


def test_the_console_script_flushes_everything_before_its_quick_exit(tmp_path):
    """A checking command's process skips the interpreter's teardown: its output is whole
    and its exit code the command's (the JSON of a failing protocol, a --fix's source and
    summary)."""
    broken = tmp_path / "broken.py"
    broken.write_text(
        "async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n"
        "    await lh.aspirate(plate['A1'], vols=[50])\n")
    out = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "simulate", str(broken),
                          "--json"], capture_output=True, text=True, check=False)
    assert out.returncode == 1 and json.loads(out.stdout)["failure_modes"][0]["kind"] == "no_tips"
    fixed = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "simulate", str(broken),
                            "--fix"], capture_output=True, text=True, check=False)
    assert "pick_up_tips" in fixed.stdout and fixed.stderr.strip()
    ok = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "simulate", str(COPY)],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stdout.strip()
