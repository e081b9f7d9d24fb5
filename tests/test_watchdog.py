"""The command line answers within its time limit, whatever the protocol does (exit 3)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from praxis_lab.cli import main
from praxis_lab.cli.watchdog import where

HEAD = '''async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
'''

# Each never ends; the answer names a line of the loop the protocol is stuck in.
ENDLESS = {
    "top_level": ("while True:\n    pass\n" + HEAD, (1, 2)),
    "setup": (HEAD + "def setup():\n    while True:\n        pass\n", (4, 5)),
    "except_base_exception": (HEAD + "    while True:\n        try:\n            while True:\n"
                              "                pass\n        except BaseException:\n"
                              "            pass\n", (4, 5, 6, 7, 8)),
    "finally": (HEAD + "    try:\n        raise ValueError\n    finally:\n        while True:\n"
                "            pass\n", (6, 7)),
    "c_code": ("import itertools\n" + HEAD + "    sum(itertools.repeat(1, 10**11))\n", (4,)),
}


@pytest.mark.parametrize("case", sorted(ENDLESS))
def test_an_endless_protocol_is_answered_within_the_limit_with_its_line(case, tmp_path,
                                                                        capsys):
    source, lines = ENDLESS[case]
    f = tmp_path / "endless.py"
    f.write_text(source)
    setup = ["--setup", "setup"] if case == "setup" else []
    t0 = time.monotonic()
    code = main(["simulate", str(f), *setup, "--time-limit", "2"])
    took = time.monotonic() - t0
    said = capsys.readouterr()
    assert code == 3, said
    assert took < 2.0, took
    text = said.out + said.err
    assert "not fully checked" in text
    assert any(f"line {line}" in text for line in lines), text
    assert "Traceback" not in text


def test_a_protocol_that_ends_is_answered_as_usual_through_the_child(tmp_path, capsys):
    f = tmp_path / "ok.py"
    f.write_text(HEAD + "    print('µL from the protocol')\n")
    assert main(["simulate", str(f), "--time-limit", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)  # relayed, pure JSON: the print is kept in it
    assert data["protocol"] == "p" and data["protocol_output"] == ["µL from the protocol"]


def test_check_gives_every_file_the_limit(tmp_path, capsys):
    quick = tmp_path / "quick.py"
    quick.write_text(HEAD)
    stuck = tmp_path / "stuck.py"
    stuck.write_text(ENDLESS["c_code"][0])
    t0 = time.monotonic()
    assert main(["check", str(quick), str(stuck), "--time-limit", "1.5"]) == 3
    assert time.monotonic() - t0 < 3.0
    assert "still running after 3 s at line 4 of stuck.py" in capsys.readouterr().err


def test_ctrl_c_ends_the_check_in_one_line(tmp_path):
    f = tmp_path / "endless.py"
    f.write_text(ENDLESS["c_code"][0])
    proc = subprocess.Popen([sys.executable, "-m", "praxis_lab.cli", "simulate", str(f)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert err.strip().splitlines() == ["praxis-lab simulate: interrupted"]


def test_the_time_limit_must_be_seconds(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["simulate", "x.py", "--time-limit", "-1"])
    assert stop.value.code == 2
    assert "'-1' is not a number of seconds > 0" in capsys.readouterr().err


def test_the_stuck_line_is_the_innermost_of_the_users_code():
    stack = ('Current thread 0x00007f (most recent call first):\n'
             f'  File "{Path(os.__file__)}", line 3 in f\n'
             '  File "/lab/protocols/helpers.py", line 12 in spin\n'
             '  File "/lab/protocols/stuck.py", line 7 in p\n')
    assert where(stack) == ("/lab/protocols/helpers.py", 12)
    assert where("no stack at all") is None
    praxis = Path(__file__).parent.parent / "praxis_lab" / "pipeline.py"
    assert where(f'  File "{praxis}", line 9 in simulate\n'
                 '  File "/usr/local/bin/praxis-lab", line 8 in <module>\n') is None


@pytest.mark.parametrize("tail, said", [
    ("    import posix\n    posix._exit(0)\n",  # (os._exit is refused: test_sandbox.py)
     "the protocol ended the process itself (exit status 0"),
    # (ctypes.string_at(0) is refused: test_sandbox.py; C code that crashes by itself)
    ("    import faulthandler\n    faulthandler._sigsegv()\n", "the simulation crashed (SIGSEGV)"),
], ids=["posix._exit", "segfault"])
def test_a_protocol_that_ends_or_crashes_the_process_is_never_a_silent_0(tail, said,
                                                                         tmp_path, capsys):
    f = tmp_path / "ends.py"
    f.write_text(HEAD + tail)
    assert main(["simulate", str(f)]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1 and "Traceback" not in err
