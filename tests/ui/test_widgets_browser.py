"""The four widgets render and respond in a real JupyterLab in headless Chromium."""

from __future__ import annotations

import time
from typing import Any

from labdriver import FIXTURES, Lab

SETUP = f"""
import asyncio, json, pathlib
from praxis_lab.widgets import DeckView, FailureList, GraphView, RunMonitor
data = json.loads(pathlib.Path({str(FIXTURES / "copy_plate.json")!r}).read_text())
"""
DECK = 'DeckView(data["deck_layout"], timeline=data["timeline"], failures=data["failure_modes"])'
FAILURES = """
def on_apply(i, j):
    return {k: data["applied"][k] for k in ("source", "ok", "summary", "failure_modes")}
FailureList(data["failure_modes"], source=data["source"], on_apply=on_apply)
"""
GRAPH = 'GraphView(data["graph"], failures=data["failure_modes"][:1])  # column 1 is short'
BRANCHY = """
def op(i, line, method, condition=None):
    return {"id": f"op_{i}", "line_number": line, "column": 4, "method_name": method,
            "receiver_variable": "lh", "arguments": {}, "loop": None, "resources": ["source[A1]"],
            "certainty": "conditional" if condition else "always", "condition": condition}
ops = [op(0, 8, "pick_up_tips"), op(1, 11, "aspirate", "volume > 300"),
       op(2, 12, "dispense", "volume > 300"), op(3, 16, "aspirate", "volume <= 300"),
       op(4, 18, "drop_tips")]
GraphView({"protocol_fqn": "branchy", "resources": data["graph"]["resources"], "operations": ops,
           "execution_order": [o["id"] for o in ops], "paths": 2})
"""
RUN = """
class DemoRun:
    \"\"\"Emits the events of a 48-call run, one call every 10 ms.\"\"\"
    def __init__(self):
        self.listeners, self.task = [], None
        self.going = asyncio.Event()  # clear while paused
        self.going.set()
    def subscribe(self, fn):
        self.listeners.append(fn)
    def emit(self, **event):
        for fn in self.listeners:
            fn(event)
    def start(self):
        self.task = asyncio.ensure_future(self.run())
    async def run(self):
        self.emit(type="status", run_id="demo-1", status="running")
        self.emit(type="response", control={"run_id": "demo-1", "mode": "mock",
                                            "status": "success", "error": None})
        for i, op in enumerate(data["graph"]["operations"]):
            await self.going.wait()
            await asyncio.sleep(0.01)
            self.emit(type="log", run_id="demo-1", seq=i, method=op["method_name"],
                      arguments=op["arguments"], duration_ms=10.0 + i % 3, error=None)
            self.emit(type="progress", run_id="demo-1", done=i + 1, expected=48,
                      eta_s=(47 - i) * 0.01)
        self.emit(type="status", run_id="demo-1", status="completed")
    def pause(self):
        self.going.clear()
        self.emit(type="status", run_id="demo-1", status="paused")
    def resume(self):
        self.going.set()
        self.emit(type="status", run_id="demo-1", status="running")
    def abort(self):
        self.task.cancel()
        self.emit(type="status", run_id="demo-1", status="canceled")
RunMonitor(DemoRun())
"""


def test_widgets_render_and_respond_in_jupyterlab(lab: Lab, record_property: Any) -> None:
    cells = [SETUP, DECK, FAILURES, GRAPH, RUN, BRANCHY]
    page: Any = lab.open_notebook(cells, name="widgets.ipynb")
    lab.run_cell(page, 0)

    # DeckView: time from executing the cell to the deck SVG being visible.
    start = time.perf_counter()
    lab.run_cell(page, 1, wait=False)
    lab.wait_for(page, ".praxis-deck svg.pd-svg .well")
    elapsed_ms = (time.perf_counter() - start) * 1000
    print(f"\ndeck SVG visible {elapsed_ms:.0f} ms after executing the DeckView cell")
    record_property("deck_svg_visible_ms", round(elapsed_ms))
    deck = page.locator(".praxis-deck")
    assert deck.locator('.well[data-key^="source["]').count() == 96
    assert deck.locator('.well[data-key^="dest["]').count() == 96
    assert deck.locator('.tip-spot[data-key^="tips["]').count() == 96
    failing = deck.locator(".well.failing")
    assert failing.count() == 1
    assert failing.get_attribute("data-key") == "source[A1]"
    deck.locator('[data-key="source[B1]"]').click()
    assert "source[B1]" in deck.locator(".pd-panel").inner_text()
    lab.screenshot(deck, "deck_view.png")

    # FailureList: names the line; Apply fix shows the diff of the fixed source.
    lab.run_cell(page, 2)
    failures = lab.wait_for(page, ".praxis-failures .pf-item")
    assert "line 7" in page.locator(".praxis-failures").inner_text()
    assert failures.count() == 2
    page.locator(".praxis-failures .pf-apply").first.click()
    added = lab.wait_for(page, ".praxis-failures pre.pf-diff .add")
    assert "vols=[30] * 8" in added.inner_text()
    assert page.locator(".praxis-failures .pf-copy-state").inner_text() in (
        "fixed source copied to the clipboard", "select and copy the fixed source below")
    lab.screenshot(page.locator(".praxis-failures"), "failure_list.png")

    # GraphView: an SVG of resources, ops and edges; only the failing op red; the loop of
    # 12 iterations starts collapsed, its failing iteration drawn and the others folded;
    # click an op to see its line.
    lab.run_cell(page, 3)
    lab.wait_for(page, ".praxis-graph svg.pg-svg .pg-op")
    graph = page.locator(".praxis-graph svg.pg-svg")
    assert graph.locator(".pg-res").count() == 4
    assert [graph.locator(".pg-op").nth(i).get_attribute("data-op") for i in range(4)] == [
        "op_0", "op_1", "op_2", "op_3"]
    assert graph.locator(".pg-op").count() == 4
    folded = graph.locator(".pg-fold text").text_content()
    assert folded == "… iterations 2–12: 44 ops, none failing"
    failing = graph.locator(".pg-op.failing")
    assert failing.count() == 1
    red, plain = (graph.locator(f"{sel} .pg-node").first.evaluate(
        "el => getComputedStyle(el).stroke") for sel in (".pg-op.failing", ".pg-op:not(.failing)"))
    r, g, b = (int(x) for x in red.removeprefix("rgb(").rstrip(")").split(","))
    assert r > 150 and g < 110 and b < 110, red
    assert plain != red
    assert "which holds 30 µL" in failing.first.locator("title").text_content()
    assert page.locator(".praxis-graph .pg-failing").inner_text() == "1 failing op"
    graph.locator(".pg-fold").click()  # expands the loop: all 48 ops, still one red
    page.locator(".praxis-graph .pg-op").nth(47).wait_for()
    assert page.locator(".praxis-graph .pg-op.failing").count() == 1
    assert page.locator(".praxis-graph path.pg-edge").count() == 36
    assert page.locator('.praxis-graph path.pg-edge[data-from="op_2"]').get_attribute(
        "data-to") == "dest"
    page.locator(".praxis-graph .pg-box-head").click()  # folded again
    page.locator(".praxis-graph .pg-fold").wait_for()
    assert page.locator(".praxis-graph .pg-op").count() == 4
    lab.wait_for(page, '.praxis-graph [data-op="op_1"]').click()
    lab.wait_for(page, '.praxis-graph [data-op="op_1"].selected')
    assert "line 7" in page.locator(".praxis-graph .pg-detail").inner_text()
    lab.screenshot(page.locator(".praxis-graph"), "graph_view.png")

    # RunMonitor: Run reaches 100 % and a completed badge.
    lab.run_cell(page, 4)
    lab.wait_for(page, ".praxis-run .pr-run")
    page.locator(".praxis-run .pr-run").click()
    lab.wait_for(page, ".praxis-run .pr-status[data-status=completed]", timeout_s=20)
    monitor = page.locator(".praxis-run")
    assert monitor.locator(".pr-bar").get_attribute("data-percent") == "100"
    assert "48 / 48 ops · 100 %" in monitor.locator(".pr-progress-text").inner_text()
    assert monitor.locator(".pr-log tr[data-seq]").count() == 48
    lab.screenshot(monitor, "run_monitor.png")

    # GraphView of an if: its two sides in lanes side by side under "◇ if volume > 300".
    lab.run_cell(page, 5)
    fork = lab.wait_for(page, ".praxis-graph .pg-fork")
    assert fork.get_attribute("data-lanes") == "2"
    assert fork.locator(".pg-fork-label").text_content() == "if volume > 300"
    branchy = page.locator(".praxis-graph").nth(1)
    left, right = (branchy.locator(f'[data-op="{op}"] rect').bounding_box()
                   for op in ("op_1", "op_3"))
    assert left and right and right["x"] > left["x"] + left["width"] and right["y"] == left["y"]
    lab.close(page)


SLOW_RUN = RUN.replace("await asyncio.sleep(0.01)\n            self.emit",
                       "await asyncio.sleep(0.05)\n            self.emit")
BROKEN_APPLY = """
def on_apply(i, j):
    raise ValueError(f"fix {j} of failure {i} does not parse")
FailureList(data["failure_modes"], source=data["source"], on_apply=on_apply)
"""


def test_pause_resume_abort_and_callback_errors_show_in_the_widgets(lab: Lab) -> None:
    page: Any = lab.open_notebook([SETUP, SLOW_RUN, BROKEN_APPLY], name="controls.ipynb")
    lab.run_all(page)
    monitor = lab.wait_for(page, ".praxis-run")
    monitor.locator(".pr-run").click()
    lab.wait_for(page, ".praxis-run .pr-status[data-status=running]")
    monitor.locator(".pr-pause").click()
    lab.wait_for(page, ".praxis-run .pr-status[data-status=paused]")
    assert monitor.locator(".pr-pause").inner_text() == "Resume"
    monitor.locator(".pr-pause").click()
    lab.wait_for(page, ".praxis-run .pr-status[data-status=running]")
    monitor.locator(".pr-abort").click()
    lab.wait_for(page, ".praxis-run .pr-status[data-status=canceled]")
    assert int(monitor.locator(".pr-bar").get_attribute("data-percent") or 0) < 100

    page.locator(".praxis-failures .pf-apply").nth(1).click()
    error = lab.wait_for(page, ".praxis-failures .praxis-error-line:not(:empty)")
    assert error.inner_text() == (
        "Apply fix failed: ValueError: fix 1 of failure 0 does not parse")
    lab.close(page)
