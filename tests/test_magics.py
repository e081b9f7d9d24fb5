"""The %%praxis magics, in a real IPython shell that re-raises cell errors."""

from __future__ import annotations

import re

import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import start_ipython

CELL = '''from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack

async def copy(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, volume: float = 50):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(src["A1:H1"], vols=[volume] * 8)
    await lh.dispens(dst["A1:H1"], vols=[volume] * 8)
    await lh.drop_tips(tips["A1:H1"])
'''


@pytest.fixture(scope="module")
def ip():
    shell = start_ipython()
    shell.run_line_magic("load_ext", "praxis_lab")
    return shell


def test_simulate_defines_the_function_and_leaves_the_report_in_underscore_praxis(ip):
    ip.run_cell_magic("praxis", "simulate", CELL)
    report = ip.user_ns["_praxis"]
    assert callable(ip.user_ns["copy"])
    # lines as the editor numbers them: line 1 is the %%praxis line
    assert [(f.kind, f.line) for f in report.failure_modes] == [
        ("unknown_method", 8), ("tip_not_empty", 9)]
    assert "did you mean dispense" in report.failure_modes[0].message


def test_params_reach_the_simulation(ip):
    ip.run_cell_magic("praxis", "simulate --param volume=500", CELL.replace("dispens", "dispense"))
    first = ip.user_ns["_praxis"].failure_modes[0]
    assert (first.kind, first.line) == ("insufficient_liquid", 7)
    assert "aspirate 500 µL from src[A1]" in first.message


def test_fix_replaces_the_cell_with_the_fixed_source(ip):
    captured = {}
    ip.set_next_input = lambda text, replace=False: captured.update(text=text, replace=replace)
    try:
        ip.run_cell_magic("praxis", "simulate --fix", CELL)
    finally:
        del ip.set_next_input
    assert captured["replace"] is True
    assert captured["text"].startswith("%%praxis simulate --fix\n")
    assert "lh.dispense(dst" in captured["text"]


def test_fix_says_what_it_applied_and_what_is_left_and_keeps_the_fixed_report(ip, capsys):
    captured = {}
    ip.set_next_input = lambda text, replace=False: captured.update(text=text, replace=replace)
    cell = CELL.replace('    await lh.drop_tips(tips["A1:H1"])\n',
                        '    await lh.frobnicate(dst)\n    await lh.drop_tips(tips["A1:H1"])\n')
    try:
        ip.run_cell_magic("praxis", "simulate --fix", cell)
    finally:
        del ip.set_next_input
    said = capsys.readouterr().out
    assert "applied 2 fixes in 1 round:\n  ✓ use dispense() (the closest real method)" in said
    assert "  ✓ discard the tips into the trash" in said
    assert "left: 1 failure mode\n  ✗ unknown_method @ line 9: lh.frobnicate" in said
    report = ip.user_ns["_praxis"]  # the fixed source's report
    assert [(f.kind, f.line) for f in report.failure_modes] == [("unknown_method", 9)]
    assert "discard_tips()" in report.source
    assert "lh.dispense(dst" in captured["text"] and "lh.frobnicate(dst)" in captured["text"]


@pytest.mark.parametrize(("line", "cell", "message"), [
    ("", CELL, "say what to do"),
    ("simulate --bogus", CELL, "unrecognized arguments: --bogus"),
    ("simulate --param volume", CELL, "write it as NAME=VALUE"),
    ("simulate", "", "cell body is empty"),
    ("simulate", "async def f(lh: LiquidHandler:\n    pass\n", "syntax error in the cell"),
    ("simulate", "x = 1\n", "no protocol found"),
    ("simulate --setup make", CELL, "setup 'make' not found"),
    ("simulate --param speed=2", CELL, "--param speed"),
    ("simulate", "raise ValueError('no')\n" + CELL, "the cell raised ValueError: no"),
])
def test_every_user_mistake_is_one_usage_error_line(ip, line, cell, message):
    with pytest.raises(UsageError, match=message) as exc:
        ip.run_cell_magic("praxis", line, cell)
    assert "\n" not in str(exc.value)


def test_db_shows_and_sets_the_store(ip, monkeypatch, tmp_path):
    monkeypatch.delenv("PRAXIS_LAB_DB_URL", raising=False)
    ip.run_line_magic("config", "Praxis.db_url = None")
    assert ip.run_line_magic("praxis", "db") == "(default SQLite file)"
    x, y = f"sqlite:///{tmp_path / 'x.db'}", f"sqlite:///{tmp_path / 'y.db'}"
    assert ip.run_line_magic("praxis", f"db {x}") == x
    assert (tmp_path / "x.db").exists()  # opened at once: a bad URL is told here
    ip.run_line_magic("config", f"Praxis.db_url = {y!r}")
    assert ip.run_line_magic("praxis", "db") == y
    ip.run_line_magic("praxis", "history")
    assert (tmp_path / "y.db").exists()


@pytest.mark.parametrize("bad", ["not-a-url", "mysql://lab:pw@db.lab/runs",
                                 "postgresql+nodriver://db.lab/runs", "'[::1/x'"])
def test_a_store_url_that_opens_no_store_is_a_usage_error_and_the_store_stays(
        ip, tmp_path, bad):
    kept = f"sqlite:///{tmp_path / 'kept.db'}"
    ip.run_line_magic("praxis", f"db {kept}")
    with pytest.raises(UsageError, match=r"^%praxis db: run store '.*': .*\(the store stays "
                                         + re.escape(kept) + r"\)$") as exc:
        ip.run_line_magic("praxis", f"db {bad}")
    assert "\n" not in str(exc.value) and "pw@" not in str(exc.value)
    assert ip.run_line_magic("praxis", "db") == kept
    assert ip.run_line_magic("praxis", "history").empty


def test_a_bad_store_url_set_by_config_is_a_usage_error_when_used(ip, tmp_path):
    ip.run_line_magic("config", "Praxis.db_url = 'not-a-url'")
    try:
        with pytest.raises(UsageError, match=r"^%praxis history: run store 'not-a-url': not a "):
            ip.run_line_magic("praxis", "history")
    finally:
        ip.run_line_magic("config", f"Praxis.db_url = 'sqlite:///{tmp_path / 'ok.db'}'")


RUN_CELL = '''from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, STARLetDeck, TIP_CAR_480_A00, Plate,
    TipRack, cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter)

def make_deck():
    deck = STARLetDeck()
    tc = TIP_CAR_480_A00("tc"); tc[0] = tips = hamilton_96_tiprack_1000uL_filter("tips")
    pc = PLT_CAR_L5AC_A00("pc"); pc[0] = src = cor_96_wellplate_360uL_Fb("src")
    pc[1] = dst = cor_96_wellplate_360uL_Fb("dst")
    deck.assign_child_resource(tc, rails=1); deck.assign_child_resource(pc, rails=8)
    for w in src.get_all_items():
        w.tracker.set_volume(100)
    return {"lh": LiquidHandler(LiquidHandlerChatterboxBackend(), deck), "tips": tips,
            "src": src, "dst": dst}

async def copy(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, volume: float = 50):
    for col in (1, 2):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(src[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dst[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
'''


def test_run_prepares_a_gated_run_and_start_executes_it(ip, tmp_path, capsys):
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path / 'runs.db'}")
    ip.run_cell_magic("praxis", "run --setup make_deck --start", RUN_CELL)
    run = ip.user_ns["_praxis_run"]
    record = run.wait(timeout=60)
    assert record.status == "completed" and record.calls == 8
    history = ip.run_line_magic("praxis", "history --limit 5")
    assert list(history["status"])[:1] == ["completed"]


def test_run_without_a_setup_is_a_usage_error(ip, tmp_path):
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path / 'runs.db'}")
    with pytest.raises(UsageError, match="--setup NAME is required"):
        ip.run_cell_magic("praxis", "run", RUN_CELL)


@pytest.mark.parametrize("bad", ["0", "-1", "nan"])
def test_a_time_limit_that_is_not_seconds_is_a_usage_error(ip, tmp_path, bad):
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path / 'runs.db'}")
    with pytest.raises(UsageError, match=r"^%%praxis run: --time-limit .*: give a number of "
                                         r"seconds > 0$"):
        ip.run_cell_magic("praxis", f"run --setup make_deck --time-limit {bad}", RUN_CELL)
    assert ip.run_line_magic("praxis", "history").empty  # nothing was filed


def test_a_time_limit_reaches_the_runs_policy(ip, tmp_path):
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path / 'runs.db'}")
    ip.run_cell_magic("praxis", "run --setup make_deck --time-limit 90", RUN_CELL)
    run = ip.user_ns["_praxis_run"]
    assert run.policy.time_limit_s == 90.0
    assert run.decision.time_limit_s is None  # PLR's simulator: no limit, and it says so
    assert any(r.rule == "time_limit" and r.reason.startswith("no time limit")
               for r in run.decision.rules)


def test_the_command_table_has_every_command_the_parser_knows():
    from praxis_lab.magics import COMMANDS, _parser

    parser = _parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    assert set(COMMANDS) == set(sub.choices)
    assert {name for name, c in COMMANDS.items() if c.needs_cell} == {"simulate", "run"}


def test_the_cell_is_compiled_once(ip):
    from praxis_lab.protocol.analyse import compiled

    cell = CELL + "\n# compiled once\n"
    before = compiled.cache_info()
    ip.run_cell_magic("praxis", "simulate", cell)
    after = compiled.cache_info()
    proofs = ip.user_ns["_praxis"].proofs  # each fixed source proven is compiled once too
    assert after.misses - before.misses == 1 + proofs  # analyse, the run and load share it
    assert after.hits > before.hits


def test_a_store_error_is_one_usage_error_line(ip, tmp_path):
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path / 'runs.db'}")
    with pytest.raises(UsageError, match=r"^%praxis requests: requests\(status=.done.\)"):
        ip.run_line_magic("praxis", "requests --status done")
    unreachable = "postgresql+psycopg://lab:pw@127.0.0.1:9/runs"
    with pytest.raises(UsageError, match=r"^%praxis db: .*lab:\*\*\*@127.0.0.1:9/runs: cannot "):
        ip.run_line_magic("praxis", f"db {unreachable}")
    ip.run_line_magic("config", f"Praxis.db_url = {unreachable!r}")  # set, not opened
    try:
        with pytest.raises(UsageError, match=r"^%praxis history: .*lab:\*\*\*@127.0.0.1:9") as e:
            ip.run_line_magic("praxis", "history")
        assert "\n" not in str(e.value)
    finally:
        ip.run_line_magic("config", "Praxis.db_url = None")


def test_an_error_in_the_cell_names_the_cell_not_its_file_name(ip):
    with pytest.raises(UsageError, match=r"^%%praxis simulate: no protocol found in the cell:"):
        ip.run_cell_magic("praxis", "simulate", "x = 1\n")


KERNEL_HEAD = '''async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
'''


@pytest.fixture
def one_second():
    from praxis_lab.trace.limit import budget, set_budget

    was = budget()
    set_budget(1.0)
    yield
    set_budget(was)


def test_in_the_kernel_a_loop_in_the_cell_is_one_usage_error_line(ip, one_second):
    with pytest.raises(UsageError, match=r"%%praxis simulate: not fully checked: still "
                       r"running after 1 s at line [23]"):
        ip.run_cell_magic("praxis", "simulate", "n = 0\nwhile True:\n    n += 1\n" + KERNEL_HEAD)
    ip.run_cell_magic("praxis", "simulate", KERNEL_HEAD + "    while True:\n        pass\n")
    assert ip.user_ns["_praxis"].verdict() == "not fully checked"


def test_in_the_kernel_a_cell_that_writes_at_its_top_level_is_refused(ip, tmp_path):
    target = tmp_path / "cell.txt"
    with pytest.raises(UsageError, match=r"\(the cell's top level\) writes .*cell.txt while "
                       "being simulated"):
        ip.run_cell_magic("praxis", "simulate", f"open({str(target)!r}, 'w')\n" + KERNEL_HEAD)
    assert not target.exists()


def test_in_the_kernel_a_lone_surrogate_in_the_cell_is_one_usage_error_line(ip):
    with pytest.raises(UsageError, match=r"the cell has a character Python cannot read "
                       r"\('\\ud800', a lone surrogate\) on line 3: retype it"):
        ip.run_cell_magic("praxis", "simulate", KERNEL_HEAD + "    note = '\ud800'\n")


def test_in_the_kernel_positional_only_and_star_parameters_simulate(ip):
    ip.run_cell_magic("praxis", "simulate", KERNEL_HEAD.replace("lh: LiquidHandler,",
                                                                "lh: LiquidHandler, /,"))
    assert ip.user_ns["_praxis"].ok and ip.user_ns["_praxis"].expected_ops == 1
    ip.run_cell_magic("praxis", "simulate", KERNEL_HEAD.replace("plate: Plate", "*plates: Plate")
                      + "    for plate in plates:\n        await lh.aspirate(plate['A1'], "
                      "vols=[10])\n")
    assert ip.user_ns["_praxis"].ok


def test_in_the_kernel_a_run_cell_that_never_ends_its_top_level_is_stopped(ip, one_second):
    with pytest.raises(UsageError, match=r"%%praxis run: not fully checked: still running "
                       r"after 1 s at line [23]"):
        ip.run_cell_magic("praxis", "run --setup make_deck",
                          "n = 0\nwhile True:\n    n += 1\n" + KERNEL_HEAD)
