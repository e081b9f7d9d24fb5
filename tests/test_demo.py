"""`make demo` runs the main job: simulate (one failure and its fix), run, history."""

from __future__ import annotations

import subprocess
import sys


def test_the_demo_finds_the_failure_runs_the_fix_and_prints_the_history(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = subprocess.run([sys.executable, "-m", "praxis_lab.demo", "--db", url],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "bad_arguments @ line 41" in text
    assert "+        await lh.aspirate(source[f\"A{col}:H{col}\"], vols=[volume] * 8)" in text
    assert "copy_plate: ok" in text
    assert "completed — 24 of 24 PLR calls logged" in text
    assert "tips_used" in text and "copy_plate" in text.split("4. run history")[1]
