"""The widgets' JavaScript tests (vitest + jsdom against a fake model) pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WIDGETS_JS = Path(__file__).resolve().parent.parent / "widgets_js"


@pytest.mark.slow
def test_vitest_suite_passes() -> None:
    npx = shutil.which("npx")
    if shutil.which("node") is None or npx is None:
        pytest.skip("node/npx not found: install Node.js ≥ 20 to run the widget JS tests")
    if not (WIDGETS_JS / "node_modules" / ".bin" / "vitest").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=WIDGETS_JS, check=True, timeout=600)
    proc = subprocess.run([npx, "vitest", "run"], cwd=WIDGETS_JS, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert " passed" in proc.stdout
