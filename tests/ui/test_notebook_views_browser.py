"""The tutorials' own cells in a real JupyterLab: what the graph and deck views show.

Cells are taken from notebooks/01_quickstart.ipynb and notebooks/02_failures_and_fixes.ipynb
as committed, so the views are checked on what a newcomer runs: only the op that fails is
red and counted, a loop's head stays clear of its counts, arguments use the width, long
loops start collapsed with their failing iterations drawn, an 8-channel failure rings all
eight wells, and a plate missing from the deck is drawn beside it.
"""

from __future__ import annotations

import json
from typing import Any

from labdriver import REPO, Lab


def cell(notebook: str, starts: str) -> str:
    """The source of the code cell of ``notebook`` that starts with ``starts``."""
    nb = json.loads((REPO / "notebooks" / notebook).read_text(encoding="utf-8"))
    found = [src for c in nb["cells"] if c["cell_type"] == "code"
             and (src := "".join(c["source"])).startswith(starts)]
    assert len(found) == 1, f"{notebook}: {len(found)} code cells start with {starts!r}"
    return found[0]


SETUP = cell("02_failures_and_fixes.ipynb", "%load_ext praxis_lab")
COLLECT = cell("02_failures_and_fixes.ipynb",
               "%%praxis simulate --setup make_deck\nasync def collect(")
FORGOT_DEST = cell("02_failures_and_fixes.ipynb", "%%praxis simulate --setup forgot_dest")
COPY = "%%praxis simulate --setup make_deck --param columns=6\nasync def copy_plate("
BROKEN_COPY, FIXED_COPY = (c for c in (cell("01_quickstart.ipynb", COPY + p) for p in (
    "lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,\n"
    "                     volume: float = 150, columns: int = 6):\n"
    "    for col in range(1, columns + 1):\n"
    "        await lh.pick_up_tips(tips[f\"A{col}:H{col}\"])\n"
    "        await lh.aspirate(source[f\"A{col}:H{col}\"], vols=volume)",
    "lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,\n"
    "                     volume: float = 150, columns: int = 6):\n"
    "    for col in range(1, columns + 1):\n"
    "        await lh.pick_up_tips(tips[f\"A{col}:H{col}\"])\n"
    "        await lh.aspirate(source[f\"A{col}:H{col}\"], vols=[volume] * 8)")))
TOO_MUCH = cell("01_quickstart.ipynb", "%%praxis simulate --setup make_deck --param volume=400")

RED = "(el) => getComputedStyle(el).stroke"


def _red(rgb: str) -> bool:
    r, g, b = (int(x) for x in rgb.removeprefix("rgb(").rstrip(")").split(",")[:3])
    return r > 150 and g < 110 and b < 110


def _apart(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two bounding boxes that do not overlap (left/right of each other or one above)."""
    return (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def _shown(locator: Any) -> Any:
    """``locator``, attached and scrolled into view (JupyterLab skips painting cells off
    screen, which Playwright takes for hidden)."""
    locator.first.wait_for(state="attached")
    locator.first.scroll_into_view_if_needed()
    return locator


def _aspirates(graph: Any) -> Any:
    return graph.locator(".pg-op").filter(has=graph.page.locator(".pg-method", has_text="aspirate"))


def _head_boxes(head: Any) -> tuple[dict[str, float], ...]:
    boxes = tuple(head.locator(sel).bounding_box()
                  for sel in (".pg-box-label", ".pg-fail-count", ".pg-times"))
    assert all(boxes), boxes
    return boxes  # type: ignore[return-value]


def test_the_graph_view_marks_only_the_failing_op_and_keeps_loop_heads_legible(lab: Lab) -> None:
    cells = [SETUP, COLLECT, BROKEN_COPY, FIXED_COPY]
    page: Any = lab.open_notebook(cells, name="graph.ipynb")
    for i in range(len(cells)):
        lab.run_cell(page, i)

    # collect: four aspirates into one tip; only the fourth overflows it.
    graph = _shown(lab.cell(page, 1).locator(".praxis-graph"))
    aspirates = _aspirates(graph)
    assert aspirates.count() == 4
    failing = graph.locator(".pg-op.failing")
    assert failing.count() == 1
    assert failing.get_attribute("data-op") == aspirates.nth(3).get_attribute("data-op")
    assert _red(failing.locator(".pg-node").evaluate(RED))
    assert not any(_red(aspirates.nth(i).locator(".pg-node").evaluate(RED)) for i in range(3))
    assert graph.locator(".pg-failing").inner_text() == "1 failing op"
    assert graph.locator(".pg-box-head .pg-fail-count").text_content() == "1 failing"
    assert graph.locator(".pg-box").get_attribute("class") == "pg-box failing"  # 4: expanded

    # The plate copy with vols=volume: six iterations, each aspirate failing. Collapsed by
    # default (more than a few iterations), its failing iterations drawn all the same.
    graph = _shown(lab.cell(page, 2).locator(".praxis-graph"))
    box = graph.locator(".pg-box")
    assert "folded" in (box.get_attribute("class") or "")
    assert graph.locator(".pg-op.failing").count() == 6
    assert graph.locator(".pg-failing").inner_text() == "6 failing ops"
    head = graph.locator(".pg-box-head")
    assert head.locator(".pg-fail-count").text_content() == "6 failing"
    label, fail, times = _head_boxes(head)
    assert _apart(label, fail) and _apart(fail, times) and _apart(label, times)
    # The arguments use the width there is: the aspirate's show whole, and on hover too.
    aspirate = _aspirates(graph).first
    args = aspirate.locator(".pg-args").text_content() or ""
    assert args == "source[A1:H1], volume"
    assert f"lh.aspirate({args})" in (aspirate.locator("title").text_content() or "")

    # In a narrow window the label is cut, never drawn over the counts; the title has it whole.
    size = page.viewport_size
    page.set_viewport_size({"width": 760, "height": size["height"]})
    try:
        page.wait_for_timeout(400)  # the view draws again for the new width
        head = _shown(lab.cell(page, 2).locator(".praxis-graph .pg-box-head"))
        label, fail, times = _head_boxes(head)
        assert _apart(label, fail) and _apart(fail, times)
        assert (head.locator(".pg-box-label").text_content() or "").endswith("…")
        whole = head.locator("title").text_content() or ""
        assert "for col in range(1, columns + 1) @ 4" in whole
    finally:
        page.set_viewport_size(size)

    # The fixed copy: 24 ops in six iterations, none failing: one "×6" node.
    graph = _shown(lab.cell(page, 3).locator(".praxis-graph"))
    loop = graph.locator(".pg-loop")
    assert loop.count() == 1 and "×6" in (loop.text_content() or "")
    assert graph.locator(".pg-op").count() == 0
    loop.click()
    graph.locator(".pg-op").nth(23).wait_for(state="attached")
    assert graph.locator(".pg-op").count() == 24
    lab.close(page)


def test_the_deck_view_rings_all_eight_wells_and_draws_the_plate_not_on_the_deck(lab: Lab) -> None:
    cells = [SETUP, TOO_MUCH, FORGOT_DEST]
    page: Any = lab.open_notebook(cells, name="deck.ipynb")
    for i in range(len(cells)):
        lab.run_cell(page, i)

    # 400 µL on eight channels: all eight source wells (300 µL each) and all eight
    # dest wells (360 µL) are ringed, not just A1.
    deck = _shown(lab.cell(page, 1).locator(".praxis-deck"))
    for plate in ("source", "dest"):
        ringed = deck.locator(f'.well.failing[data-key^="{plate}["]')
        keys = sorted(ringed.nth(i).get_attribute("data-key") for i in range(ringed.count()))
        assert keys == [f"{plate}[{row}1]" for row in "ABCDEFGH"], keys
    assert _red(deck.locator('.well.failing[data-key="source[H1]"]').evaluate(RED))

    # dest was made but never put on the carrier: drawn beside the deck, red, "not on the deck".
    deck = _shown(lab.cell(page, 2).locator(".praxis-deck"))
    missing = deck.locator(".labware.off-deck")
    assert missing.count() == 1
    assert _red(missing.evaluate(RED))
    label = deck.locator(".label.off-deck")
    assert "dest" in label.text_content() and "not on the deck" in label.text_content()
    on_deck = deck.locator(".labware:not(.off-deck)").first.bounding_box()
    drawn = missing.bounding_box()
    assert drawn and on_deck and drawn["width"] > 50 and drawn["height"] > 30
    lab.screenshot(deck, "deck_not_on_deck.png")
    lab.close(page)
