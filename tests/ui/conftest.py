"""Browser test fixtures: JupyterLab on loopback driven by Debian's Chromium via Playwright.

``lab`` (session scope) starts one JupyterLab server (free port, token, temp root dir,
a ``python3`` kernelspec pointing at this interpreter, no news/update checks, no
notebook windowing) and one headless Chromium. Tests use it like this::

    def test_something(lab):
        page = lab.open_notebook(["import praxis_lab", "1 + 1"])
        lab.run_all(page)
        lab.wait_for(page, ".jp-OutputArea-output")

Every test under ``tests/ui`` is marked ``browser``. Without Chromium or Playwright
the tests are skipped, unless ``PRAXIS_LAB_REQUIRE_BROWSER=1`` (CI), where they fail.
Screenshots go to a temp directory (``labdriver.screenshot_dir``); ``make screenshots``
sets ``PRAXIS_LAB_SCREENSHOT_DIR=docs/img`` to refresh the README's.
``PRAXIS_LAB_UI_THEME="JupyterLab Dark"`` checks the dark theme; ``PRAXIS_LAB_CHROMIUM``
points at another binary.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from labdriver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    Lab,
    free_port,
    start_server,
    wait_ready,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if os.environ.get("PRAXIS_LAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PRAXIS_LAB_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """A JupyterLab server and a headless Chromium, shared by the browser tests."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -e '.[dev]')")
    missing = [s for s in ("deck_view", "graph_view", "failure_list", "run_monitor")
               if not (REPO / "praxis_lab" / "static" / f"{s}.js").exists()]
    if missing:
        pytest.fail(f"widget bundles missing ({', '.join(missing)}): run `make install`")
    base = Path(tempfile.mkdtemp(prefix="praxis-ui-"))
    root = base / "root"
    root.mkdir()
    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}/"
    proc = start_server(base, root, port, token)
    try:
        wait_ready(proc, url, token, base / "jupyterlab.log")
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(base / "chromium-profile"), executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1360, "height": 1000},
                device_scale_factor=1.5,
            )
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url[:-1])
            try:
                yield Lab(url, token, root, context, timeout_s=30)
            finally:
                context.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(base, ignore_errors=True)
