"""In the library and the kernel, the time limit stops Python loops wherever they run."""

from __future__ import annotations

import time

import pytest

from praxis_lab import simulate
from praxis_lab.errors import Unfinished
from praxis_lab.trace.limit import budget, limited, set_budget
from praxis_lab.trace.tracer import _Bound

HEAD = '''async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
'''


@pytest.fixture
def one_second():
    was = budget()
    set_budget(1.0)
    yield
    set_budget(was)


def test_a_loop_at_the_top_level_is_stopped_and_named(one_second):
    t0 = time.monotonic()
    with pytest.raises(Unfinished, match=r"not fully checked: still running after 1 s at "
                       r"line 2 \(its top level or its setup"):
        simulate("x = 0\nwhile True:\n    x += 1\n" + HEAD)
    assert time.monotonic() - t0 < 2


def test_a_loop_in_the_setup_is_stopped_and_named(one_second):
    with pytest.raises(Unfinished, match="at line 5"):
        simulate(HEAD + "def setup():\n    n = 0\n    while True:\n        n += 1\n",
                 setup="setup")


@pytest.mark.parametrize("body, lines", [
    ("    while True:\n        pass\n", (3, 4)),
    ("    try:\n        raise ValueError\n    finally:\n        while True:\n"
     "            pass\n", (6, 7)),
])
def test_a_loop_in_the_body_leaves_the_report_not_fully_checked_at_its_line(
        one_second, body, lines):
    report = simulate(HEAD + body)
    assert not report.complete and report.verdict() == "not fully checked"
    timeout = next(i for i in report.issues if i.kind == "timeout")
    assert timeout.line in lines and "still running after 1 s" in timeout.message


def test_an_inner_limit_keeps_the_earlier_deadline_and_a_passed_one_stops_at_once():
    t0 = time.monotonic()
    with limited(0.3):
        with pytest.raises(_Bound), limited(30):  # the outer 0.3 s still holds
            while True:
                pass
        with pytest.raises(_Bound), limited(30):  # it has passed: stopped at once
            while True:
                pass
    assert time.monotonic() - t0 < 1.5
    time.sleep(0.6)  # and nothing fires once the block is left



def test_a_run_whose_setup_never_finishes_is_stopped_before_anything_moves(one_second,
                                                                          tmp_path):
    from praxis_lab.execution.runner import run

    protocol = tmp_path / "stuck.py"
    protocol.write_text(HEAD + "def setup():\n    while True:\n        pass\n")
    t0 = time.monotonic()
    with pytest.raises(Unfinished, match=r"still running after 1 s at line [45]"):
        run(protocol, setup="setup", db=f"sqlite:///{tmp_path}/runs.db")
    assert time.monotonic() - t0 < 2


def test_an_async_setup_waiting_forever_is_stopped_naming_its_loop(one_second):
    # a simulated asyncio.sleep takes no time: the setup's loop spins in its own lines
    with pytest.raises(Unfinished, match=r"still running after 1 s at line [56] \(its top"):
        simulate("import asyncio\n" + HEAD + "async def setup():\n    while True:\n"
                 "        await asyncio.sleep(1)\n", setup="setup")


def test_a_timer_armed_before_runs_on_after_the_limit():
    import signal

    fired = []
    old = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with limited(5):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.5
        time.sleep(0.7)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_once_the_protocols_files_are_named_a_stop_names_a_line_of_them_only():
    """Code of another file running when the limit passes (another simulation's object,
    finalized meanwhile) is nobody's line; the protocol's own loop is named."""
    from praxis_lab.trace.limit import name_files

    theirs = compile("while True:\n    pass\n", "<another protocol>", "exec")
    mine = compile("x = 0\nwhile True:\n    x += 1\n", "<the protocol>", "exec")
    for code, line in ((theirs, None), (mine, 2)):
        with pytest.raises(_Bound) as stop, limited(0.05):
            name_files({"<the protocol>"})
            exec(code, {})
        assert stop.value.issue.line in ((line,) if line is None else (2, 3)), code
