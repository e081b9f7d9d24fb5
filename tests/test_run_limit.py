"""``praxis-lab run`` ends at its time limit even when the protocol never gives control back,
and the run store keeps the run's end and its call log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from praxis_lab.cli import run_limit
from praxis_lab.store import db
from praxis_lab.store.db import FunctionCallLog, ProtocolRun

DRIVER_FILE = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import STARLetDeck, TIP_CAR_480_A00, TipRack
from pylabrobot.resources import hamilton_96_tiprack_1000uL_filter


class StarDriver(LiquidHandlerChatterboxBackend):
    """The lab's driver of its STAR: its drop_tips {what}."""

    async def drop_tips(self, ops, use_channels, **backend_kwargs):
        {body}


async def incubate(lh: LiquidHandler, tips: TipRack):
    await lh.pick_up_tips(tips["A1"])
    await lh.drop_tips(tips["A1"])


def star():
    deck = STARLetDeck()
    car = TIP_CAR_480_A00(name="car")
    car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    deck.assign_child_resource(car, rails=3)
    return {{"lh": LiquidHandler(StarDriver(), deck=deck), "tips": tips}}
'''


def _run(tmp_path: Path, what: str, body: str, *extra: str) -> tuple[Any, float, str]:
    path, url = tmp_path / "driver.py", f"sqlite:///{tmp_path}/runs.db"
    path.write_text(DRIVER_FILE.format(what=what, body=body))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "run", str(path), "--setup",
                           "star", "--db", url, *extra], capture_output=True, text=True,
                          timeout=120)
    return done, time.monotonic() - started, url


def _stored(url: str) -> tuple[ProtocolRun, list[str]]:
    engine = db.connect(url)
    try:
        with Session(engine) as s:
            run = s.exec(select(ProtocolRun)).one()
            calls = [c.method for c in s.exec(select(FunctionCallLog).order_by(
                FunctionCallLog.seq))]  # type: ignore[arg-type]
            return run, calls
    finally:
        engine.dispose()


@pytest.mark.parametrize("what, body", [
    ("loops in C code, never releasing the interpreter",
     "import itertools\n        sum(itertools.repeat(1, 10**13))"),
    ("blocks in a C call (a read that never comes)", "import time\n        time.sleep(3600)"),
], ids=["c-loop", "blocking-call"])
def test_a_run_blocked_where_the_event_loop_never_runs_again_is_ended_at_its_limit(
        tmp_path: Path, what: str, body: str) -> None:
    done, took, url = _run(tmp_path, what, body, "--time-limit", "0.5")
    assert done.returncode == 1, done.stderr
    assert took < 0.5 + run_limit.GRACE_S + 15
    assert done.stdout.splitlines()[-1].startswith("run 1 incubate failed: 1 calls in ")
    err = done.stderr.strip()
    assert err.startswith("TimeLimitExceeded: the run went past its time limit 0.5 s "
                          "(Policy.time_limit_s) and was still running 3 s later at line 13 "
                          "of driver.py, blocked in code that never returns"), err
    assert err.count("\n") == 0
    run, calls = _stored(url)
    assert (run.status, run.error_code, run.calls) == ("failed", "TimeLimitExceeded", 1)
    assert "at line 13 of driver.py" in (run.error_message or "")
    assert calls == ["pick_up_tips"]  # the call log kept the call that completed


def test_a_run_whose_process_crashes_is_recorded_failed_with_its_call_log(
        tmp_path: Path) -> None:
    done, _, url = _run(tmp_path, "crashes", "import faulthandler\n"
                        "        faulthandler._sigsegv()")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(
        "ProcessEnded: the process crashed (SIGSEGV) while the run was going on")
    run, calls = _stored(url)
    assert (run.status, run.error_code) == ("failed", "ProcessEnded")
    assert calls == ["pick_up_tips"]


def test_a_run_that_ends_by_itself_answers_as_before(tmp_path: Path) -> None:
    done, took, url = _run(tmp_path, "returns", "return None", "--time-limit", "30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("run 1 incubate completed: 2 calls in ")
    assert _stored(url)[0].status == "completed" and took < 30


def test_a_protocol_that_never_finishes_preparing_is_stopped_before_anything_moves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from praxis_lab.cli import main

    monkeypatch.setattr(run_limit, "PREPARING_S", 2.0)
    path = tmp_path / "top.py"
    path.write_text("import itertools\nsum(itertools.repeat(1, 10**13))\n" +
                    DRIVER_FILE.format(what="returns", body="return None"))
    assert main(["run", str(path), "--setup", "star", "--db",
                 f"sqlite:///{tmp_path}/runs.db"]) == 3
    err = capsys.readouterr().err
    assert err.strip() == ("praxis-lab run: not started: still preparing the run after 2 s at "
                           "line 2 of top.py (its top level, its setup or its simulation; a "
                           "loop in C code?): stopped, nothing reached the device")


def test_ctrl_c_on_a_run_stuck_in_c_code_ends_it_and_records_it_canceled(
        tmp_path: Path) -> None:
    import signal

    path, url = tmp_path / "driver.py", f"sqlite:///{tmp_path}/runs.db"
    path.write_text(DRIVER_FILE.format(what="loops in C code", body="print('in C now', "
                                       "flush=True)\n        import itertools\n"
                                       "        sum(itertools.repeat(1, 10**13))"))
    child = subprocess.Popen([sys.executable, "-m", "praxis_lab.cli", "run", str(path),
                              "--setup", "star", "--db", url, "--time-limit", "60"],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert child.stdout is not None
    for line in child.stdout:  # the second call reached the driver, which loops in C
        if line.startswith("in C now"):
            break
    time.sleep(0.3)
    os.killpg(child.pid, signal.SIGINT)  # Ctrl-C: the terminal's whole process group
    started = time.monotonic()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert out.splitlines()[-1].startswith("run 1 incubate canceled: 1 calls in ")
    assert time.monotonic() - started < run_limit.GRACE_S + 10
    assert err.strip().splitlines()[-1].startswith(
        "Canceled: interrupted, and the run did not stop within 3 s at line 14 of driver.py")
    run, calls = _stored(url)
    assert (run.status, run.error_code) == ("canceled", "Canceled")
    assert calls == ["pick_up_tips"]
