"""The run monitor in a real JupyterLab, on the quickstart notebook's run cell.

What it shows agrees with the store: the pending run next to its request (the request's
status beside this run's, its type said in words), the calls' volumes whole; once the run
ended, Run is disabled with the reason (a complete request takes no more runs), and after a
failed run it is "Retry": a new run of the same request, recorded as such.
"""

from __future__ import annotations

import json
import re
from typing import Any

from labdriver import Lab
from test_notebook_views_browser import cell

LOAD = cell("01_quickstart.ipynb", "%load_ext praxis_lab")
STORE = cell("01_quickstart.ipynb", "import tempfile\n\nstore = ")
DECK = cell("01_quickstart.ipynb", "from pylabrobot.liquid_handling import LiquidHandler")
RUN = cell("01_quickstart.ipynb", "%%praxis run --setup make_deck --start\n")
PREPARED = RUN.replace(" --start\n", "\n", 1)  # prepared, started by the Run button
# A run that fails once on the robot (its simulation is fine: the check is on the device)
FLAKY = '''%%praxis run --setup make_deck
attempts = []

async def flaky(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(source["A1"], vols=[50])
    await lh.dispense(dest["A1"], vols=[50])
    await lh.drop_tips(tips["A1"])
    if isinstance(lh, LiquidHandler):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the plate reader was not ready")
'''
# What the store holds about the request of the monitor's run (and every run of it).
STORED = '''import json
from sqlmodel import Session, select
from praxis_lab.execution import approvals
from praxis_lab.store import db
from praxis_lab.store.db import ProtocolRun

def stored(run):
    engine = db.connect(store)
    with Session(engine) as s:
        runs = s.exec(select(ProtocolRun).where(ProtocolRun.request_id == run.request_id)
                      .order_by(ProtocolRun.id)).all()
        runs = [[r.id, r.status] for r in runs]
    return {"request": approvals.describe(run.request_id, db=engine), "runs": runs}
'''


def _store(lab: Lab, page: Any, index: int, runner: str) -> dict[str, Any]:
    """Run cell ``index`` (the store's answer printed) and read it back."""
    target = lab.cell(page, index)
    target.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(f'print("PRAXIS_STORE", json.dumps(stored({runner})))')
    lab.run_cell(page, index)
    text = target.locator(".jp-OutputArea").inner_text()
    match = re.search(r"PRAXIS_STORE (\{.*\})", text)
    assert match, text
    return dict(json.loads(match.group(1)))


def _field(monitor: Any, name: str) -> str:
    return str(monitor.locator(f'.pr-request dd[data-field="{name}"]').inner_text())


def test_the_run_monitor_agrees_with_the_store_and_run_retries_or_says_why_not(lab: Lab) -> None:
    cells = [LOAD, STORE, DECK, STORED, PREPARED, "", FLAKY, ""]
    page: Any = lab.open_notebook(cells, name="run_monitor.ipynb")
    for i in range(5):
        lab.run_cell(page, i)

    # Prepared, not started: the run is pending, its request executing, as stored.
    monitor = lab.cell(page, 4).locator(".praxis-run")
    monitor.locator(".pr-request dd").first.wait_for(state="attached")
    monitor.scroll_into_view_if_needed()
    held = _store(lab, page, 5, "_praxis_run")
    [[run_id, run_status]] = held["runs"]
    request = held["request"]
    assert (run_status, request["status"], request["type"]) == ("pending", "executing", "simulate")
    assert monitor.locator(".pr-status").inner_text().lower() == "pending"
    assert f"run #{run_id}" in monitor.locator(".pr-head").inner_text()
    assert _field(monitor, "request") == f"#{request['request']}"
    assert _field(monitor, "request status") == f"executing (run #{run_id} of it is pending)"
    assert _field(monitor, "type") == (
        "simulate — every device is one of PLR's simulators: nothing real moves")
    assert _field(monitor, "approval") == request["approval"]
    assert monitor.locator(".pr-run").is_enabled()

    # Run: 24 calls, the 8-channel volumes whole; then Run is off, and says why.
    monitor.locator(".pr-run").click()
    monitor.locator(".pr-status[data-status=completed]").wait_for(state="attached", timeout=30000)
    monitor.locator(".pr-log tr[data-seq='24']").wait_for(state="attached")
    aspirate = monitor.locator(".pr-log tr[data-seq='2']")
    assert aspirate.locator("td").nth(1).inner_text() == "aspirate"
    assert aspirate.locator("td.vols").inner_text() == "8 × 150"
    args = aspirate.locator("td.args").inner_text()
    assert "source[H1]" in args and "…" not in args
    box = aspirate.locator("td.vols").bounding_box()
    cell_box = aspirate.locator("td.vols").evaluate("(td) => td.scrollWidth <= td.clientWidth")
    assert box and box["width"] > 40 and cell_box
    held = _store(lab, page, 5, "_praxis_run")
    assert held["runs"] == [[run_id, "completed"]] and held["request"]["status"] == "complete"
    assert _field(monitor, "request status") == f"complete (run #{run_id} of it is completed)"
    run = monitor.locator(".pr-run")
    assert run.is_disabled()
    reason = monitor.locator(".pr-run-reason").inner_text()
    assert reason == (f"request {request['request']} is complete (run {run_id} completed): "
                      "run the cell again for a new request")
    assert run.get_attribute("title") == reason
    lab.screenshot_region(page, [monitor], "run_monitor_request.png")

    # A run that fails on the device: Run becomes Retry, a new run of the same request.
    lab.run_cell(page, 6)
    flaky = lab.cell(page, 6).locator(".praxis-run")
    flaky.locator(".pr-run").wait_for(state="attached")
    flaky.scroll_into_view_if_needed()
    flaky.locator(".pr-run").click()
    flaky.locator(".pr-status[data-status=failed]").wait_for(state="attached", timeout=30000)
    assert "the plate reader was not ready" in flaky.inner_text()
    retry = flaky.locator(".pr-run")
    assert retry.inner_text() == "Retry" and retry.is_enabled()
    first = _store(lab, page, 7, "_praxis_run")
    [[failed_id, failed]] = first["runs"]
    assert (failed, first["request"]["status"]) == ("failed", "executing")
    retry.click()
    flaky.locator(".pr-status[data-status=completed]").wait_for(state="attached", timeout=30000)
    head = flaky.locator(".pr-head").inner_text()
    assert f"run #{failed_id}" not in head
    again = _store(lab, page, 7, "_praxis_run")  # _praxis_run is the first runner
    assert again["runs"][0] == [failed_id, "failed"]
    assert [status for _, status in again["runs"]] == ["failed", "completed"]
    retried_id = again["runs"][1][0]
    assert f"run #{retried_id}" in head
    assert again["request"]["status"] == "complete"
    assert _field(flaky, "request status") == f"complete (run #{retried_id} of it is completed)"
    assert flaky.locator(".pr-run").is_disabled()
    lab.close(page)
