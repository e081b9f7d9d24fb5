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


@pytest.mark.parametrize(("uid", "allowed"), [("0", True), ("1000", False)])
def test_make_lab_passes_allow_root_only_as_root(tmp_path: Path, uid: str, allowed: bool) -> None:
    fake_id = tmp_path / "id"  # `id -u` as make's shell sees it
    fake_id.write_text(f"#!/bin/sh\necho {uid}\n")
    fake_id.chmod(0o755)
    lab = [line for line in _make_n("lab", str(tmp_path)).splitlines()
           if "jupyter lab notebooks/" in line]
    assert len(lab) == 1
    assert ("--allow-root" in lab[0]) is allowed


def test_browser_screenshots_go_to_a_temp_dir_unless_make_screenshots_asks_for_docs_img(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from labdriver import screenshot_dir

    monkeypatch.delenv("PRAXIS_LAB_SCREENSHOT_DIR", raising=False)
    assert ROOT not in screenshot_dir().resolve().parents
    command = _make_n("screenshots")
    assert f"PRAXIS_LAB_SCREENSHOT_DIR={ROOT}/docs/img" in command
    assert "PRAXIS_LAB_REQUIRE_BROWSER=1" in command and "tests/ui" in command


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("PRAXIS_LAB_PG_URL", "PRAXIS_LAB_REQUIRE_PG",
                          "PRAXIS_LAB_REQUIRE_BROWSER", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *args], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, **env}, timeout=240)


PG_TEST = "tests/test_db.py::test_a_read_only_postgres_database_fails_check_writable_with_the_fix"
UI_TEST = "tests/ui/test_widgets_browser.py"


def test_skipped_browser_and_postgres_groups_are_named_in_one_line_before_the_counts() -> None:
    out = _pytest(PG_TEST, UI_TEST, PRAXIS_LAB_CHROMIUM="/nonexistent/chromium")
    assert out.returncode == 0, out.stdout[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[-1].startswith("3 skipped")
    named = lines[-2]
    assert named.startswith("not run here: ")
    assert "1 postgres test (enable: apt-get install postgresql" in named
    assert "2 browser tests (enable: apt-get install chromium" in named


def test_where_ci_requires_the_groups_they_fail_and_no_line_excuses_them() -> None:
    out = _pytest(PG_TEST, UI_TEST, PRAXIS_LAB_CHROMIUM="/nonexistent/chromium",
                  PRAXIS_LAB_REQUIRE_PG="1", PRAXIS_LAB_REQUIRE_BROWSER="1")
    assert out.returncode == 1
    assert "not run here" not in out.stdout
    assert out.stdout.splitlines()[-1].startswith("3 errors")
