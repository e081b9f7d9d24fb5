"""The pre-commit hook a lab repository uses runs ``praxis-lab check`` on its files."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = Path(__file__).parent / "protocols"


def test_the_hook_runs_praxis_lab_check_on_python_files():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "praxis-lab-check" and hook["language"] == "python"
    assert hook["types"] == ["python"] and hook["entry"] == "praxis-lab check"


def _as_precommit_runs_it(*files: Path, args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    exe, *rest = shlex.split(hook["entry"])
    argv = [str(Path(sys.executable).with_name(exe)), *rest, *args, *map(str, files)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def test_the_hook_passes_good_protocols_and_helpers_and_refuses_a_broken_one(tmp_path):
    helper = tmp_path / "helpers.py"
    helper.write_text("def columns():\n    return range(1, 13)\n")
    good = _as_precommit_runs_it(PROTOCOLS / "ok_plate_copy.py", helper)
    assert good.returncode == 0, good.stderr
    bad = _as_precommit_runs_it(PROTOCOLS / "ok_plate_copy_setup.py",
                                PROTOCOLS / "broken_insufficient_exact.py",
                                args=("--setup", "setup"))
    assert bad.returncode == 1
    assert "insufficient_liquid" in bad.stdout and "Traceback" not in bad.stderr
