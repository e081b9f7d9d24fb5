"""Simulations in a row see nothing of each other: what the process keeps between calls
(the proposed decks and what is derived from them, the item memos, the analysis caches)
gives every protocol the report it gets when it is simulated alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from praxis_lab.deck import proposal
from praxis_lab.pipeline import simulate

PROTOCOLS = Path(__file__).parent / "protocols"
FILES = sorted(PROTOCOLS.glob("*.py"))


def _setup(path: Path) -> Any:
    return json.loads(path.with_suffix(".json").read_text()).get("setup")


def _report(path: Path) -> dict[str, Any]:
    data = simulate(str(path), setup=_setup(path), cache=False).to_dict()
    data.pop("timings_ms")
    return data


def _alone(path: Path) -> dict[str, Any]:
    proposal._PROPOSALS.clear()  # a fresh process's proposed decks
    return _report(path)


@pytest.fixture(scope="module")
def alone() -> dict[str, dict[str, Any]]:
    return {path.stem: _alone(path) for path in FILES}


def test_every_protocol_after_every_other_gives_its_report_alone(
        alone: dict[str, dict[str, Any]]) -> None:
    proposal._PROPOSALS.clear()
    for path in FILES[::-1]:  # each after another protocol than when it ran alone
        assert _report(path) == alone[path.stem], path.stem


def test_a_protocol_that_changes_the_proposed_deck_leaves_the_next_one_alone() -> None:
    plate = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate):\n"
    quiet = plate + "    await lh.pick_up_tips(tips['A1:H1'])\n    await lh.aspirate(" \
        "src['A1:H1'], vols=[10] * 8)\n"
    # takes the proposed plate off its carrier: the deck of these parameters changed
    moving = plate + "    src.unassign()\n    await lh.pick_up_tips(tips['A1:H1'])\n"
    first = _alone_source(quiet)
    assert "src" in {r["parameter"] for r in first["deck_layout"]["resources"]}
    simulate(moving, cache=False)
    again = simulate(quiet, cache=False).to_dict()
    again.pop("timings_ms")
    assert again == first


def _alone_source(source: str) -> dict[str, Any]:
    proposal._PROPOSALS.clear()
    data = simulate(source, cache=False).to_dict()
    data.pop("timings_ms")
    return data


def test_the_layout_of_a_setup_deck_follows_the_deck_between_simulations() -> None:
    from pylabrobot.resources import Coordinate

    from praxis_lab.deck import layout as layout_module

    setup = '''
def make_deck():
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.resources import PLT_CAR_L5AC_A00, STARLetDeck, cor_96_wellplate_360uL_Fb
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8),
                       deck=STARLetDeck())
    car = PLT_CAR_L5AC_A00(name="car")
    car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
    lh.deck.assign_child_resource(car, rails=1)
    return {"lh": lh, "src": src}
'''
    source = ("from pylabrobot.liquid_handling import LiquidHandler\n"
              "async def p(lh: LiquidHandler, src: Plate):\n    pass\n" + setup)
    ns: dict[str, Any] = {}
    exec(source, ns)
    objects = ns["make_deck"]()
    src, car = objects["src"], objects["src"].parent.parent

    def drawn() -> list[dict[str, Any]]:
        return list(simulate(source, setup=objects, cache=False).deck_layout["resources"])

    def fresh() -> list[dict[str, Any]]:
        layout_module._SKELETONS.clear()
        return drawn()

    assert drawn() == fresh()
    before = next(r["y"] for r in drawn() if r["name"] == "src")
    src.unassign()  # to the carrier's next site: new positions, same resources
    car[1] = src
    moved = drawn()
    assert moved == fresh()
    assert next(r["y"] for r in moved if r["name"] == "src") != before
    loc = car.location  # moved without an assignment: the walk of the deck sees it anyway
    car.location = Coordinate(loc.x + 22.5, loc.y, loc.z)
    shifted = drawn()
    assert shifted == fresh()
    assert next(r["x"] for r in shifted if r["name"] == "car") == round(
        next(r["x"] for r in moved if r["name"] == "car") + 22.5, 2)
    src.get_well("A1").tracker.set_liquids([(None, 120.0)])  # volumes are read live
    assert next(r["volume"] for r in drawn() if r["key"] == "src[A1]") == 120.0


def test_well_keys_follow_the_labels_of_each_binding() -> None:
    from pylabrobot.resources import cor_96_wellplate_360uL_Fb

    from praxis_lab.deck.binding import bind
    from praxis_lab.protocol.analyse import analyse

    info = analyse("async def p(lh: LiquidHandler, a: Plate, b: Plate): ...")
    proposed = bind(info)
    well = proposed.objects["a"].get_item("B3")
    assert proposed.key(well) == "a[B3]"
    again = bind(info)  # the same proposal: the keys are shared, and still right
    assert again._shared is proposed._shared and again.key(well) == "a[B3]"
    lh = proposed.handler
    one, two = cor_96_wellplate_360uL_Fb(name="one"), cor_96_wellplate_360uL_Fb(name="two")
    straight = bind(info, {"lh": lh, "a": one, "b": two})
    swapped = bind(info, {"lh": lh, "a": two, "b": one})
    assert straight.key(one.get_item("H12")) == "a[H12]"
    assert swapped.key(one.get_item("H12")) == "b[H12]"
    assert bind(info, {"lh": lh, "a": one, "b": two}).key(two.get_item("A1")) == "b[A1]"


def test_items_looked_up_while_tracing_are_plr_s_answer_even_after_the_labware_changed() -> None:
    from pylabrobot.resources import cor_96_wellplate_360uL_Fb

    from praxis_lab.deck.binding import bind
    from praxis_lab.protocol.analyse import analyse
    from praxis_lab.trace.trackers import recording_state

    info = analyse("async def p(lh: LiquidHandler, src: Plate): ...")
    plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh = bind(info).handler

    def traced(*lookups: Any) -> list[Any]:
        binding = bind(info, {"lh": lh, "src": plate})
        with recording_state(lambda: None, binding):  # type: ignore[arg-type,return-value]
            return [plate[x] if not isinstance(x, tuple) else plate.get_item(x[0])
                    for x in lookups]

    lookups = ("A1:H1", ("B2",), "C3", 5)
    assert traced(*lookups) == [plate[x] if not isinstance(x, tuple) else plate.get_item(x[0])
                                for x in lookups]
    well = plate.get_item("A1")
    plate.unassign_child_resource(well)  # A1 leaves the plate: the lookups must see it
    again = traced("A1:H1", ("B2",))
    assert again == [plate["A1:H1"], plate.get_item("B2")]
    assert well not in again[0]
