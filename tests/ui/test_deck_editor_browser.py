"""The deck editor in a real JupyterLab: a protocol without a setup, its proposed deck edited
by hand in headless Chromium (a plate dragged to a carrier at another rail, a tip rack to
another site, a carrier along the rails, a column of start volumes), an edit PLR refuses,
then Export setup: the new cell's make_deck(), run by PLR, builds the deck the view shows,
and the protocol simulates on it at the exact level."""

from __future__ import annotations

import json
import re
from typing import Any

from labdriver import Lab

PROTOCOL = '''%%praxis simulate
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def copy_plate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     volume: float = 100):
    for col in range(1, 13):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
'''
# Run after the exported cell: the deck make_deck() builds, from PLR's serialize(), as the
# absolute position of every resource by name; and the protocol simulated on it.
CHECK = '''import json, praxis_lab
made = make_deck()
def _walk(node, x, y, out):
    loc = node.get("location") or {"x": 0, "y": 0}
    x, y = x + loc["x"], y + loc["y"]
    out[node["name"]] = [round(v, 2) for v in (x, y, node["size_x"], node["size_y"])]
    for child in node.get("children", []):
        _walk(child, x, y, out)
    return out
placed = _walk(made["lh"].deck.serialize(), 0, 0, {})
report = praxis_lab.simulate(copy_plate, setup=make_deck)
print("PRAXIS_DECK " + json.dumps({"placed": placed, "level": report.level, "ok": report.ok,
      "source_A3": made["source"].get_well("A3").tracker.get_used_volume()}))
'''

# The screen point of the centre of a drop zone, a labware or a carrier (SVG → screen).
CENTRE = """([sel, fy]) => {
  const node = document.querySelector(sel);
  const svg = node.ownerSVGElement;
  const x = Number(node.getAttribute("x")), y = Number(node.getAttribute("y"));
  const w = Number(node.getAttribute("width")), h = Number(node.getAttribute("height"));
  const p = new DOMPoint(x + w / 2, y + h * fy).matrixTransform(svg.getScreenCTM());
  return [p.x, p.y];
}"""


# The screen point ``dx`` mm to the right of a point of an element.
BESIDE = """([sel, fy, dx]) => {
  const node = document.querySelector(sel);
  const svg = node.ownerSVGElement;
  const x = Number(node.getAttribute("x")), y = Number(node.getAttribute("y"));
  const w = Number(node.getAttribute("width")), h = Number(node.getAttribute("height"));
  const p = new DOMPoint(x + w / 2 + dx, y + h * fy).matrixTransform(svg.getScreenCTM());
  return [p.x, p.y];
}"""


def _drag(page: Any, source: str, target: str | float, source_fy: float = 0.5) -> None:
    """Press on ``source``, move onto ``target`` (an element, or so many mm to the right) in
    small steps, release."""
    page.evaluate("(sel) => document.querySelector(sel).ownerSVGElement"
                  ".scrollIntoView({block: 'center'})", source)
    x0, y0 = page.evaluate(BESIDE, [source, source_fy, 0])
    x1, y1 = page.evaluate(CENTRE, [target, 0.5]) if isinstance(target, str) else \
        page.evaluate(BESIDE, [source, source_fy, target])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=6)
    page.mouse.move(x1, y1, steps=6)
    page.mouse.up()


def _site(svg: str, carrier: str, site: int) -> str:
    return f'{svg} .pd-drop[data-carrier="{carrier}"][data-site="{site}"]'


def _status(deck: Any, n: int) -> str:
    """The edit status once the kernel answered edit number ``n``."""
    status = deck.locator(".pd-status")
    try:
        deck.page.wait_for_function("([el, n]) => Number(el.dataset.n) >= n",
                                    arg=[status.element_handle(), n], timeout=15000)
    except Exception:
        raise AssertionError(f"edit {n} got no answer; the status says "
                             f"{status.inner_text()!r} (edit {status.get_attribute('data-n')})"
                             ) from None
    return str(status.inner_text())


def test_the_proposed_deck_is_edited_by_hand_exported_and_built_by_plr(lab: Lab) -> None:
    page: Any = lab.open_notebook(["%load_ext praxis_lab", PROTOCOL, CHECK],
                                  name="deck_editor.ipynb")
    lab.run_cell(page, 0)
    lab.run_cell(page, 1)
    deck = lab.cell(page, 1).locator(".praxis-deck")
    deck.locator(".well").first.wait_for()
    deck.locator(".pd-toggle").click()  # the whole deck: free rails to drop on
    deck.locator(".pd-edit-start").click()
    deck.locator(".pd-add-carrier").wait_for()
    assert deck.locator(".pd-drop").count() == 10  # 5 tip sites, 5 plate sites
    svg = ".jp-Notebook .jp-Cell:nth-child(2) .praxis-deck svg.pd-svg"
    edits = 0

    # A plate carrier at rail 20, and the dest plate dragged onto it.
    deck.locator(".pd-carrier-type").select_option("PLT_CAR_L5AC_A00")
    deck.locator(".pd-carrier-rail").fill("20")
    deck.locator(".pd-add-carrier").click()
    edits += 1
    assert "Add a PLT_CAR_L5AC_A00 at rail 20" in _status(deck, edits)
    _drag(page, f'{svg} [data-name="dest"]', _site(svg, "plt_car_2", 0))
    edits += 1
    assert "Move dest to site 0 of plt_car_2" in _status(deck, edits)

    # The tip rack to another site of its carrier.
    _drag(page, f'{svg} [data-name="tips"]', _site(svg, "tip_car_1", 2))
    edits += 1
    assert "Move tips to site 2 of tip_car_1" in _status(deck, edits)

    # The first plate carrier seven rails to the right (pressed where its sites are empty).
    _drag(page, f'{svg} [data-name="plt_car_1"]', 7 * 22.5, source_fy=0.1)
    edits += 1
    assert "Move plt_car_1 to rail 14" in _status(deck, edits)

    # An edit PLR refuses: the tip rack onto the site the source plate holds.
    _drag(page, f'{svg} [data-name="tips"]', _site(svg, "plt_car_1", 0))
    edits += 1
    refused = _status(deck, edits)
    assert deck.locator(".pd-status.refused").count() == 1
    assert ("PLR refused to move tips to site 0 of plt_car_1: spot 0 already has a resource"
            in refused)

    # 150 µL in column 3 of the source, one click.
    deck.locator(".pd-volume").fill("150")
    deck.locator(".pd-scope").select_option("column")
    deck.locator('.well[data-key="source[A3]"]').click()
    edits += 1
    assert "Set source A3…H3 (8 wells) to 150 µL" in _status(deck, edits)
    deck.locator('.well[data-key="source[H3]"][data-volume="150"]').wait_for(state="attached")
    shown = page.evaluate(
        """(sel) => Object.fromEntries([...document.querySelectorAll(sel)].map((n) => [
            n.dataset.name, [Number(n.dataset.x), Number(n.dataset.y),
                             Number(n.dataset.sizeX), Number(n.dataset.sizeY)]]))""",
        f"{svg} [data-name]")
    assert {"tips", "source", "dest", "tip_car_1", "plt_car_1", "plt_car_2"} <= set(shown)

    # Export: make_deck() lands in a new cell right below the report.
    cells = page.locator(".jp-Notebook .jp-Cell")
    before = cells.count()
    deck.locator(".pd-export").click()
    page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length > n",
                           arg=[".jp-Notebook .jp-Cell", before])
    exported = lab.cell(page, 2).locator(".jp-InputArea-editor").inner_text()
    assert "def make_deck():" in exported and "plt_car_2[0] = dest" in exported
    assert "new cell below" in deck.locator(".pd-out").inner_text()

    lab.run_cell(page, 2)
    lab.run_cell(page, 3)
    out = lab.cell(page, 3).locator(".jp-OutputArea").inner_text()
    found = re.search(r"PRAXIS_DECK (\{.*\})", out)
    assert found, out
    built = json.loads(found.group(1))
    assert built["level"] == "exact" and built["ok"] is True  # every well holds what it needs
    assert built["source_A3"] == 150.0
    for name, box in shown.items():  # the layout rounds to 0.01 mm
        assert all(abs(a - b) <= 0.02 for a, b in zip(built["placed"][name], box, strict=True)), (
            name, built["placed"][name], box)
    lab.close(page)


OT2 = '''%%praxis simulate --setup make_deck
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (OTDeck, Plate, TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_300uL)


def make_deck():
    deck = OTDeck()
    tips = hamilton_96_tiprack_300uL(name="tips")
    deck.assign_child_at_slot(tips, 7)  # back left, by the trash
    plate = cor_96_wellplate_360uL_Fb(name="plate")
    deck.assign_child_at_slot(plate, 4)
    plate.set_well_volumes([50] * 96)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "tips": tips, "plate": plate}


async def fill(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[20] * 8)
    await lh.dispense(plate["A2:H2"], vols=[20] * 8)
    await lh.drop_tips(tips["A1:H1"])
'''


def test_an_ot2_setup_is_edited_slot_by_slot_and_written_back_into_its_cell(lab: Lab) -> None:
    page: Any = lab.open_notebook(["%load_ext praxis_lab", OT2], name="deck_editor_ot2.ipynb")
    lab.run_cell(page, 0)
    lab.run_cell(page, 1)
    deck = lab.cell(page, 1).locator(".praxis-deck")
    deck.locator(".well").first.wait_for()
    deck.locator(".pd-toggle").click()
    deck.locator(".pd-edit-start").click()
    deck.locator(".pd-write").wait_for()
    assert deck.locator(".pd-carriers").is_hidden()  # an OT-2 has slots, no carriers
    svg = ".jp-Notebook .jp-Cell:nth-child(2) .praxis-deck svg.pd-svg"

    _drag(page, f'{svg} [data-name="plate"]', f'{svg} .pd-drop[data-slot="2"]')
    assert "Move plate to slot 2" in _status(deck, 1)
    _drag(page, f'{svg} [data-name="plate"]', f'{svg} .pd-drop[data-slot="7"]')
    assert _status(deck, 2).endswith("Spot 7 is already occupied")

    deck.locator(".pd-write").click()
    deck.locator(".pd-out", has_text="rewritten in its cell").wait_for()
    editor = lab.cell(page, 1).locator(".jp-InputArea-editor")
    page.wait_for_function("(el) => el.innerText.includes('assign_child_at_slot(plate, 2)')",
                           arg=editor.element_handle())
    text = editor.inner_text()
    assert "deck.assign_child_at_slot(tips, 7)  # back left, by the trash" in text
    assert text.startswith("%%praxis simulate --setup make_deck")
    lab.run_cell(page, 1)  # the rewritten cell simulates on the deck it now builds
    report = lab.cell(page, 1).locator(".praxis-report-summary")
    assert "fill" in report.inner_text() and "failure" not in report.inner_text()
    lab.close(page)
