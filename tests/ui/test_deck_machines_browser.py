"""The deck view of a multi-machine protocol in a real JupyterLab: the heater shaker and the
plate reader are drawn, and scrubbing the timeline puts the plate on each in turn."""

from __future__ import annotations

from typing import Any

from labdriver import REPO, Lab

from praxis_lab import simulate

ELISA = REPO / "tests" / "corpus" / "ok_elisa_readout.py"
CELLS = [
    f"""
from praxis_lab import simulate
from praxis_lab.widgets import DeckView
data = simulate({str(ELISA)!r}, setup="setup").to_dict()
""",
    'DeckView(data["deck_layout"], timeline=data["timeline"], failures=data["failure_modes"])',
]


def _inside(inner: dict[str, float], outer: dict[str, float], slack: float = 2.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def _steps_onto(machine: str) -> int:
    """The step (1-based, as the slider counts) that moves the plate onto ``machine``."""
    steps = simulate(str(ELISA), setup="setup").to_dict()["timeline"]["steps"]
    return next(i + 1 for i, st in enumerate(steps)
                if ((st.get("moves") or {}).get("plate") or {}).get("machine") == machine)


def test_the_machines_are_drawn_and_the_plate_moves_onto_each_as_the_timeline_is_scrubbed(
        lab: Lab) -> None:
    page: Any = lab.open_notebook(CELLS, name="deck_machines.ipynb")
    lab.run_cell(page, 0)
    lab.run_cell(page, 1)
    deck = page.locator(".praxis-deck")
    lab.wait_for(page, ".praxis-deck svg.pd-svg .pd-machine")
    machines = {m: deck.locator(f'.pd-machine[data-machine="{m}"]') for m in ("hs", "reader")}
    assert deck.locator(".pd-machine").count() == 2
    assert all(loc.is_visible() for loc in machines.values())
    plate = deck.locator('.labware[data-name="plate"]')
    start = plate.bounding_box()
    assert start and not any(_inside(start, loc.bounding_box()) for loc in machines.values())
    slider = deck.locator(".pd-steps input[type=range]")
    for machine in ("hs", "reader"):
        step = _steps_onto(machine)
        slider.fill(str(step))
        lab.wait_for(page, f'.praxis-deck .pd-machine.holding[data-machine="{machine}"]')
        box = plate.bounding_box()
        assert box and _inside(box, machines[machine].bounding_box()), (machine, box)
        well = deck.locator('[data-key="plate[A1]"]').bounding_box()
        assert well and _inside(well, box)  # the wells go with their plate
        label = deck.locator(".pd-step-label").inner_text()
        assert f"plate → {machine}" in label
        assert deck.locator(".pd-machine.holding").count() == 1
        if machine == "reader":
            lab.screenshot(deck, "deck_machines.png")
    slider.fill("0")
    page.wait_for_function("(el) => el.getAttribute('transform') === 'translate(0 0)'",
                           arg=plate.element_handle())
    assert plate.bounding_box() == start and deck.locator(".pd-machine.holding").count() == 0
    lab.close(page)
