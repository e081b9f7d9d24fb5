"""The notebooks in notebooks/ run from top to bottom without an error, and say what they teach.

Each notebook is executed with nbclient in a fresh kernel of this test's Python (a kernelspec
in a temporary ``JUPYTER_PATH``, so a user-level ``python3`` kernel cannot get in the way).
The kernel inherits the test environment: a private ``XDG_DATA_HOME`` (conftest), so the
default run store is never the user's; the notebooks use a temporary SQLite file, and 04 uses
``PRAXIS_LAB_DB_URL`` pointed at a fresh PostgreSQL database.

To refresh the committed outputs, run the notebooks once with the writer on::

    PRAXIS_LAB_WRITE_NOTEBOOKS=1 python tests/with_postgres.py \
        .venv/bin/python -m pytest tests/test_notebooks.py

Executed notebooks are saved only when their assertions pass, without volatile metadata
(execution timestamps, kernel version, widget state), so a re-run gives a small diff.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_quickstart", "02_failures_and_fixes", "03_run_history", "04_shared_lab_postgres",
         "05_multi_device"]
KINDS = ["unknown_method", "bad_arguments", "no_tips", "tips_already_loaded", "tip_spot_empty",
         "insufficient_liquid", "over_capacity", "tip_volume_exceeded", "not_on_deck",
         "unresolved_type", "tip_not_empty", "wrong_resource"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PLOTLY = "application/vnd.plotly.v1+json"
WRITE = os.environ.get("PRAXIS_LAB_WRITE_NOTEBOOKS") == "1"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``python3`` kernelspec for this interpreter, first on the Jupyter path."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return "python3"


def execute(name: str, kernel_name: str) -> tuple[Any, float]:
    """Run notebooks/<name>.ipynb in a fresh kernel; (executed notebook, seconds).

    A hung cell is caught by nbclient's per-cell timeout; the time is printed, not asserted.
    """
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name=kernel_name, timeout=120, allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{name}.ipynb: a cell raised:\n{str(exc)[-3000:]}")
    return nb, time.perf_counter() - start


def code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def texts(cell: Any, mimes: tuple[str, ...] = ("text/plain", "text/html")) -> str:
    """What a reader sees of a cell's outputs (streams and ``mimes``), as one string."""
    parts: list[str] = []
    last_stream = None
    for out in cell.get("outputs", []):
        if out.output_type == "stream" and out.name == last_stream:
            parts[-1] += out.text  # one print may arrive in pieces
        elif out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
        else:
            data = out.get("data", {})
            parts += [str(data[m]) for m in mimes if m in data]
        last_stream = out.name if out.output_type == "stream" else None
    return "\n".join(parts)


def cell_with(nb: Any, source_start: str) -> Any:
    found = [c for c in code_cells(nb) if c.source.startswith(source_start)]
    assert found, f"no code cell starts with {source_start!r}"
    return found[0]


def clean(nb: Any) -> Any:
    """Drop what changes on every execution but tells a reader nothing.

    Widget views are dropped with the widget state: without the state a front end can only
    say "model not found", while the text/html fallback next to them reads well anywhere.
    Stream chunks are merged, since how stdout is split into messages varies between runs.
    """
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    info = nb.metadata.get("language_info", {})
    info.pop("version", None)
    nb.metadata["language_info"] = info
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if "data" in out:
                out["data"].pop(WIDGET_VIEW, None)
                if not out["data"]:
                    continue
            if (out.output_type == "stream" and outputs and outputs[-1].output_type == "stream"
                    and outputs[-1].name == out.name):
                outputs[-1].text += out.text
                continue
            outputs.append(out)
        cell.outputs = outputs
    return nb


def save(nb: Any, name: str) -> None:
    if WRITE:
        nbformat.validate(nb)
        nbformat.write(clean(nb), NOTEBOOKS / f"{name}.ipynb")


@pytest.mark.slow
def test_quickstart_simulates_fixes_runs_and_shows_the_history(kernel: str) -> None:
    nb, seconds = execute("01_quickstart", kernel)
    print(f"\n01_quickstart ran in {seconds:.1f} s")
    reports = [texts(c) for c in code_cells(nb) if c.source.startswith("%%praxis simulate")]
    assert "<code>bad_arguments</code>" in reports[0]  # the example's mistake is found
    assert "copy_plate: ok" in reports[1]  # the corrected cell
    assert "<code>insufficient_liquid</code>" in reports[2]  # --param volume=400
    assert "<code>over_capacity</code>" in reports[2]
    assert "replicate: ok" in reports[3]  # no setup: the proposed deck
    edits = texts(cell_with(nb, "editor = _praxis.deck_editor()"))
    assert "Move dest to site 2 of plt_car_1" in edits  # the drag
    assert "PLR refused to move source to site 2 of plt_car_1: spot 2 already has" in edits
    exported = texts(cell_with(nb, 'setup_code = editor.export("replicate_deck")'))
    assert "def replicate_deck():" in exported and "plt_car_1[2] = dest = " in exported
    assert "source.set_well_volumes([50.0] * 96)" in exported  # what the replicate needs
    assert "replicate: ok" in reports[4]
    assert "level exact" in texts(cell_with(nb, "print(_praxis.summary().splitlines()[0])"))
    assert "+        await lh.aspirate(source[f\"A{col}:H{col}\"], vols=[volume] * 8)" in texts(
        cell_with(nb, "fixed = report.apply_fix(0, 0)"))
    assert "RunMonitor(" in texts(cell_with(nb, "%%praxis run --setup make_deck --start"))
    assert texts(cell_with(nb, "record = await _praxis_run.task")).startswith(
        "completed - 24 PLR calls")
    assert "completed - 12 PLR calls" in texts(cell_with(nb, "import contextlib"))
    history = texts(cell_with(nb, "%praxis history"), ("text/plain",))
    assert history.count("copy_plate") >= 2 and "failed" not in history
    save(nb, "01_quickstart")


@pytest.mark.slow
def test_failures_and_fixes_shows_every_kind_and_applies_fixes(kernel: str) -> None:
    nb, seconds = execute("02_failures_and_fixes", kernel)
    print(f"\n02_failures_and_fixes ran in {seconds:.1f} s")
    reports = "\n".join(texts(c) for c in code_cells(nb) if c.source.startswith("%%praxis"))
    missing = [k for k in KINDS if f"<code>{k}</code>" not in reports]
    assert not missing, f"no report shows {missing}"
    assert "(if volume &gt; 200)" in reports  # the conditional failure names its branch
    assert "('no_tips', 'conditional', 'volume > 200', 4)" in texts(
        cell_with(nb, "first = _praxis.failure_modes[0]"))
    choices = texts(cell_with(nb, "for j, fix in enumerate(_praxis.failure_modes[0].fixes)"))
    assert "1 discard the tips already mounted" in choices
    assert "+    await lh.discard_tips()" in choices
    assert "one_well: ok" in texts(cell_with(nb, "report = praxis_lab.simulate(one_well)"))
    fixed = texts(cell_with(nb, "report = _praxis\nwhile not report.ok"))
    assert "messy: ok" in fixed and "lh.discard_tips()" in fixed
    table = cell_with(nb, "import pandas as pd\n\ncases = {")
    shown = texts(table)
    assert all(k in shown for k in KINDS) and "False" not in shown
    save(nb, "02_failures_and_fixes")


@pytest.mark.slow
def test_run_history_queries_charts_and_estimates(kernel: str) -> None:
    nb, seconds = execute("03_run_history", kernel)
    print(f"\n03_run_history ran in {seconds:.1f} s")
    statuses = texts(cell_with(nb, "from pylabrobot.liquid_handling import LiquidHandler"))
    assert re.search(r"completed\s+19", statuses) and re.search(r"failed\s+1", statuses)
    assert "TooLittleLiquidError" in texts(cell_with(nb, 'runs.loc[runs.status == "failed"'))
    charts = [c for c in code_cells(nb) if c.source.startswith("frames.")]
    assert len(charts) == 2
    for chart in charts:
        assert any(PLOTLY in out.get("data", {}) for out in chart.outputs), chart.source
    assert re.search(r"48 PLR calls, estimated \d+\.\d\d s",
                     texts(cell_with(nb, "report = praxis_lab.simulate(copy_plate")))
    assert "completed: 48 PLR calls" in texts(
        cell_with(nb, "with contextlib.redirect_stdout(io.StringIO()):\n    record"))
    save(nb, "03_run_history")


@pytest.mark.slow
@pytest.mark.postgres
def test_shared_lab_notebook_uses_the_postgres_store_from_the_environment(
        kernel: str, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRAXIS_LAB_DB_URL", pg_url)
    nb, seconds = execute("04_shared_lab_postgres", kernel)
    print(f"\n04_shared_lab_postgres ran in {seconds:.1f} s")
    assert texts(code_cells(nb)[0]).strip() == "store: postgresql"
    robots = texts(cell_with(nb, "import subprocess"))
    assert robots.count("serial_dilution completed") == 2 and robots.count("exit code 0") == 2
    lab = texts(cell_with(nb, 'praxis_lab.history()[["id", "protocol", "status", "calls", "tips'),
                ("text/plain",))
    assert lab.count("serial_dilution") == 2 and lab.count("copy_plate") == 3
    assert "failed" not in lab
    from praxis_lab.store import frames

    assert len(frames.history(pg_url)) == 5  # the notebook's kernel wrote to this database
    save(nb, "04_shared_lab_postgres")


@pytest.mark.slow
def test_multi_device_finds_the_shaker_mistake_runs_every_machine_and_draws_the_reading(
        kernel: str) -> None:
    nb, seconds = execute("05_multi_device", kernel)
    print(f"\n05_multi_device ran in {seconds:.1f} s")
    reports = [texts(c) for c in code_cells(nb) if c.source.startswith("%%praxis simulate")]
    assert "<code>device_state</code>" in reports[0] and "still shaking" in reports[0]
    found = texts(cell_with(nb, "report = _praxis"))
    assert found.startswith("device_state @ line 19: move plate off hs, which is still shaking")
    assert "+    await hs.stop_shaking()" in found
    assert "elisa_readout: ok" in reports[1]
    summary = texts(cell_with(nb, "print(_praxis.summary())"))
    assert "hs (HeaterShaker: set_temperature, shake, stop_shaking, unlock_plate)" in summary
    assert "reader (PlateReader: read_absorbance)" in summary and "duration: 15 min" in summary
    ran = texts(cell_with(nb, "chatter = io.StringIO()"))
    assert ran.startswith("completed - 56 of 56 calls, mock mode")
    assert ran.index("Setting up the plate reader") < ran.index("Reading absorbance") < ran.index(
        "Stopping the plate reader")
    logged = texts(cell_with(nb, "calls = praxis_lab.calls"), ("text/plain",))
    assert all(m in logged for m in ("set_temperature", "shake", "stop_shaking", "unlock_plate",
                                     "read_absorbance"))
    assert "hs" in logged and "reader" in logged
    table = texts(cell_with(nb, "readings = praxis_lab.artifacts"), ("text/plain",))
    assert re.search(r"A1\s+2\.41", table) and "absorbance" in table
    heatmap = cell_with(nb, "praxis_lab.plate_heatmap(readings)")
    figure = next(out["data"][PLOTLY] for out in heatmap.outputs if PLOTLY in out.get("data", {}))
    heat = figure["data"][0]
    assert heat["type"] == "heatmap" and heat["y"] == list("ABCDEFGH")
    assert "plate: absorbance (wavelength 450)" in figure["layout"]["title"]["text"]
    save(nb, "05_multi_device")


def test_the_notebooks_are_committed_executed_and_without_volatile_metadata() -> None:
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        cells = code_cells(nb)
        assert all(c.execution_count for c in cells), f"{name}: a code cell was not executed"
        assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), name
        assert not [o for c in cells for o in c.outputs if o.output_type == "error"], name
        assert "widgets" not in nb.metadata, f"{name}: widget state is saved"
        assert "version" not in nb.metadata.get("language_info", {}), name
        for cell in nb.cells:
            assert "execution" not in cell.metadata, f"{name}: execution timestamps are saved"
        raw = (NOTEBOOKS / f"{name}.ipynb").read_text()
        assert WIDGET_VIEW not in raw, f"{name}: a widget view without its state is saved"
        assert "/tmp/" not in raw and "@127.0.0.1" not in raw, (
            f"{name}: a temporary path or a store URL leaked into the outputs")


def test_every_code_cell_comes_after_a_markdown_cell_that_explains_it() -> None:
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        kinds = [c.cell_type for c in nb.cells]
        assert kinds[0] == "markdown", f"{name} starts with code"
        unexplained = [i for i, kind in enumerate(kinds)
                       if kind == "code" and kinds[i - 1] != "markdown"]
        assert not unexplained, f"{name}: code cells {unexplained} follow another code cell"
