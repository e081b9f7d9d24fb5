"""Drive JupyterLab in headless Chromium: start the server, open notebooks, run cells.

Used through the ``lab`` fixture of ``tests/ui/conftest.py``; importable by browser
tests for the paths and the :class:`Lab` type.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = os.environ.get("PRAXIS_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook tab in front
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/themes.jupyterlab-settings":
        {"theme": os.environ.get("PRAXIS_LAB_UI_THEME", "JupyterLab Light"),
         "adaptive-theme": False},
}


def screenshot_dir() -> Path:
    """Where screenshots go: ``$PRAXIS_LAB_SCREENSHOT_DIR`` (``make screenshots`` sets it to
    docs/img), else a directory under the system's temp dir, so ``make test`` leaves the
    working tree as it was."""
    chosen = os.environ.get("PRAXIS_LAB_SCREENSHOT_DIR")
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / "praxis-lab-screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Lab:
    """A running JupyterLab + Chromium; opens notebooks and runs their cells."""

    def __init__(self, url: str, token: str, root: Path, context: Any, timeout_s: float) -> None:
        self.url = url
        self.token = token
        self.root = root
        self.context = context
        self.timeout_ms = timeout_s * 1000
        self._count = 0

    def open_notebook(self, cells: list[str], name: str | None = None) -> Any:
        """Write a notebook with these code cells, open it, wait for an idle kernel."""
        import nbformat

        self._count += 1
        name = name or f"test_{self._count}.ipynb"
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(src) for src in cells],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}},
        )
        nbformat.write(nb, self.root / name)
        page = self.context.new_page()
        page.set_default_timeout(self.timeout_ms)
        # ?reset: start from an empty workspace, so only this notebook is open.
        page.goto(f"{self.url}lab/tree/{name}?reset&token={self.token}")
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell")
        left = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if left.count():
            left.first.click()  # collapse the file browser: more room for the widgets
        self.wait_idle(page)
        return page

    def wait_idle(self, page: Any, timeout_s: float | None = None) -> None:
        """Wait until the kernel is idle and no cell shows ``[*]``."""
        timeout = timeout_s * 1000 if timeout_s else self.timeout_ms
        page.wait_for_function(
            """(nb) => {
                const panel = document.querySelector(nb);
                const ind = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
                const busy = [...panel.querySelectorAll('.jp-InputPrompt')]
                    .some((p) => p.textContent.includes('*'));
                return ind && ind.dataset.status === 'idle' && !busy;
            }""",
            arg=NOTEBOOK,
            timeout=timeout,
        )

    def run_all(self, page: Any, wait: bool = True) -> None:
        """Run every cell (Run › Run All Cells), then wait for the kernel to be idle."""
        prompts = f"{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt"
        texts = "(sel) => [...document.querySelectorAll(sel)].map((el) => el.textContent)"
        before = page.evaluate(texts, prompts)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
        if wait:  # the cells are queued at once: a prompt turns into [*] or a new count
            page.wait_for_function(
                f"([sel, before]) => ({texts})(sel).some((t, i) => t !== before[i])",
                arg=[prompts, before])
            self.wait_idle(page)
            self.raise_cell_errors(page)

    def run_cell(self, page: Any, index: int, wait: bool = True) -> None:
        """Run cell ``index`` (0-based) with Shift+Enter."""
        cell = self.cell(page, index)
        prompt = cell.locator(".jp-InputArea-prompt")
        before = prompt.inner_text()
        for _attempt in range(3):
            prompt.click()
            page.keyboard.press("Shift+Enter")
            try:  # the prompt turns into [*] or a new count once the cell runs (10 s: a
                # busy machine; pressing Shift+Enter again too early runs the cell twice)
                page.wait_for_function(
                    "([el, before]) => el.textContent !== before",
                    arg=[prompt.element_handle(), before], timeout=10000,
                )
                break
            except Exception:
                continue
        else:
            raise AssertionError(f"cell {index} did not start running after Shift+Enter"
                                 + self._dialog_note(page))
        if wait:
            self.wait_idle(page)
            self.raise_cell_errors(page)

    def time_cell(self, page: Any, index: int, selector: str,
                  timeout_s: float | None = None) -> float:
        """Execute cell ``index`` and return the milliseconds from pressing Shift+Enter
        until ``selector`` is visible inside that cell's output; then wait for idle."""
        cell = self.cell(page, index)
        cell.locator(".jp-InputArea-prompt").click()
        target = cell.locator(f".jp-OutputArea {selector}").first
        start = time.perf_counter()
        page.keyboard.press("Shift+Enter")
        try:
            target.wait_for(state="visible",
                            timeout=timeout_s * 1000 if timeout_s else self.timeout_ms)
        except Exception as exc:
            errors = "\n".join(self.cell_errors(page)) or "no error output in the notebook"
            raise AssertionError(f"{selector!r} did not appear in cell {index}: {exc}\n"
                                 f"{errors}{self._dialog_note(page)}") from None
        elapsed = (time.perf_counter() - start) * 1000
        self.wait_idle(page)
        self.raise_cell_errors(page)
        return elapsed

    def _dialog_note(self, page: Any) -> str:
        dialogs = page.locator(".jp-Dialog")
        if not dialogs.count():
            return ""
        return "\na JupyterLab dialog is open: " + " | ".join(dialogs.all_inner_texts())

    def cell(self, page: Any, index: int) -> Any:
        """The locator of cell ``index``."""
        return page.locator(f"{NOTEBOOK} .jp-Notebook .jp-Cell").nth(index)

    def wait_for(self, page: Any, selector: str, timeout_s: float | None = None,
                 state: str = "visible") -> Any:
        """Wait for ``selector`` to be visible; on timeout the error shows cell errors."""
        timeout = timeout_s * 1000 if timeout_s else self.timeout_ms
        try:
            page.wait_for_selector(selector, timeout=timeout, state=state)
        except Exception as exc:
            errors = self.cell_errors(page)
            detail = "\n".join(errors) if errors else "no error output in the notebook"
            raise AssertionError(f"{selector!r} did not appear: {exc}\n{detail}") from None
        return page.locator(selector)

    def cell_errors(self, page: Any) -> list[str]:
        """Text of every error output (tracebacks) in the notebook."""
        outputs = page.locator(
            f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
            f" {NOTEBOOK} .jp-OutputArea-output.jp-mod-error"
        )
        texts: list[str] = outputs.all_inner_texts()
        return texts

    def raise_cell_errors(self, page: Any) -> None:
        errors = [e for e in self.cell_errors(page) if "Traceback" in e or "Error" in e]
        if errors:
            raise AssertionError("a cell raised:\n" + "\n".join(errors))

    def close(self, page: Any) -> None:
        """Shut the notebook's kernel down and close the page."""
        api = f"{self.url}api/sessions"
        with urllib.request.urlopen(f"{api}?token={self.token}", timeout=5) as resp:
            sessions = json.load(resp)
        for session in sessions:
            if page.url.split("?")[0].endswith(session.get("path", "\0")):
                req = urllib.request.Request(f"{api}/{session['id']}?token={self.token}",
                                             method="DELETE")
                urllib.request.urlopen(req, timeout=10).close()
        page.close()

    def screenshot(self, locator: Any, name: str) -> Path:
        """Save an element screenshot as <name> in :func:`screenshot_dir`."""
        path = screenshot_dir() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=str(path), animations="disabled")
        return path

    def screenshot_region(self, page: Any, locators: list[Any], name: str,
                          height: int = 2000, margin: float = 4) -> Path:
        """Save the region holding all ``locators`` (``margin`` px wider on each side) as
        <name> in :func:`screenshot_dir`.

        The viewport is made ``height`` pixels tall for the shot (the notebook scrolls
        inside JupyterLab, so a region taller than the window would be cut), then
        restored.
        """
        path = screenshot_dir() / name
        path.parent.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        try:
            locators[0].evaluate("(el) => el.scrollIntoView({block: 'start'})")
            page.evaluate("() => new Promise((done) => requestAnimationFrame("  # painted
                          "() => requestAnimationFrame(done)))")
            boxes = [box for box in (loc.bounding_box() for loc in locators) if box]
            if not boxes:
                raise AssertionError(f"nothing to screenshot for {name}: no visible element")
            left = max(min(b["x"] for b in boxes) - margin, 0)
            top = min(b["y"] for b in boxes)
            right = max(b["x"] + b["width"] for b in boxes) + margin
            bottom = max(b["y"] + b["height"] for b in boxes)
            page.screenshot(path=str(path), animations="disabled",
                            clip={"x": left, "y": top, "width": right - left,
                                  "height": bottom - top})
        finally:
            page.set_viewport_size(size)
        return path


def write_settings(base: Path) -> dict[str, str]:
    settings = base / "lab-settings"
    for rel, value in SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    kernel = base / "jupyter-path" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python",
    }), encoding="utf-8")
    return {
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTER_PATH": str(base / "jupyter-path"),
        "XDG_DATA_HOME": str(base / "xdg-data"),
        "IPYTHONDIR": str(base / "ipython"),
    }


def start_server(base: Path, root: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **write_settings(base)}
    env.pop("PRAXIS_LAB_DB_URL", None)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly", "--ServerApp.allow_root=True",
    ]
    log = open(base / "jupyterlab.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)


def wait_ready(proc: subprocess.Popen[bytes], url: str, token: str, log: Path,
                timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab not ready after {timeout_s} s:\n{log.read_text()}")
