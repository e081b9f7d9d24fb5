"""The Makefile and a test run as a newcomer meets them: `make lab` as root, `make test`
leaving the working tree alone, and skipped groups of tests named at the end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))


def _make_n(target: str, path: str | None = None) -> str:
    env = dict(os.environ, PATH=f"{path}:{os.environ['PATH']}" if path else os.environ["PATH"])
    out = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True,
                         env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_browser_screenshots_go_to_a_temp_dir_unless_make_screenshots_asks_for_docs_img(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from labdriver import screenshot_dir

    monkeypatch.delenv("PRAXIS_LAB_SCREENSHOT_DIR", raising=False)
    assert ROOT not in screenshot_dir().resolve().parents
    command = _make_n("screenshots")
    assert f"PRAXIS_LAB_SCREENSHOT_DIR={ROOT}/docs/img" in command
    assert "PRAXIS_LAB_REQUIRE_BROWSER=1" in command and "tests/ui" in command
