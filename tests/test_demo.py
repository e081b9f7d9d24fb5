"""`make demo` runs the main job: simulate (one failure and its fix), run, history."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def _demo(url: str) -> str:
    out = subprocess.run([sys.executable, "-m", "praxis_lab.demo", "--db", url],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_demo_finds_the_failure_runs_the_fix_and_prints_the_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    text = _demo(url)
    assert "bad_arguments @ line 41" in text
    assert "+        await lh.aspirate(source[f\"A{col}:H{col}\"], vols=[volume] * 8)" in text
    assert "copy_plate: ok" in text
    assert "completed — 24 of 24 PLR calls logged" in text
    history = text.split("4. run history")[1]
    assert "tips_used" in history and "copy_plate" in history
    assert f"the store {url} holds 1 run in all: `praxis-lab history` lists them" in history


def test_the_demo_shows_its_own_run_and_says_the_store_holds_others(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    _demo(url)  # an earlier demo (or any other process) left a run in the store
    history = _demo(url).split("4. run history")[1]
    head = re.match(r": this demo's run \(run (\d+), request (\d+)\)", history)
    assert head and head.groups() == ("2", "2")
    table = history.split("\n\nthe store ")[0].strip().splitlines()[1:]
    assert [row.split()[0] for row in table] == ["id", "2"]  # its own run only
    assert (f"the store {url} holds 2 runs in all (1 from other processes or earlier demos): "
            "`praxis-lab history` lists them") in history
