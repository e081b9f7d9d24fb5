"""The deck layout as data: positions, categories, parameters, volumes and tips."""

from __future__ import annotations

from praxis_lab import _plr
from praxis_lab.deck.binding import bind
from praxis_lab.deck.layout import layout
from praxis_lab.protocol.analyse import analyse


def _info(sig: str):
    return analyse(f"async def p({sig}):\n    pass\n")


def test_slot_decks_report_slots():
    from pylabrobot.resources import OTDeck

    deck = OTDeck()
    plate = _plr.labware("cor_96_wellplate_360uL_Fb", "plate")
    deck.assign_child_at_slot(plate, 4)
    lh = _plr.new_handler(deck)
    b = bind(_info("lh: LiquidHandler, plate: Plate"), setup={"lh": lh, "plate": plate})
    data = layout(b)
    entry = next(r for r in data["resources"] if r["name"] == "plate")
    assert data["deck"]["kind"] == "slot" and entry["slot"] == 4 and entry["parameter"] == "plate"


def test_given_volumes_and_tips_fill_wells_and_spots_and_the_rest_comes_from_the_binding():
    b = bind(_info("lh: LiquidHandler, tips: TipRack, src: Plate"))
    data = layout(b, volumes={"src[A1]": 120.0}, tips={"tips[A1]": False})
    by_key = {r["key"]: r for r in data["resources"] if r["key"]}
    assert by_key["src[A1]"]["volume"] == 120.0
    assert by_key["src[B1]"]["volume"] is None  # proposed deck: unknown start volume
    assert by_key["tips[A1]"]["has_tip"] is False and by_key["tips[B1]"]["has_tip"] is True
    assert by_key["tips[A1]"]["identifier"] == "A1" and by_key["tips[A1]"]["parameter"] == "tips"


def test_carrier_sites_are_places_not_entries_and_labware_on_them_names_its_carrier():
    b = bind(_info("lh: LiquidHandler, src: Plate"))
    data = layout(b)
    assert not any(r["type"] in ("ResourceHolder", "PlateHolder") for r in data["resources"])
    src = next(r for r in data["resources"] if r["name"] == "src")
    carrier = next(r for r in data["resources"] if r["name"] == src["parent"])
    assert carrier["category"] == "carrier" and isinstance(carrier["rail"], int)


def test_labware_the_setup_never_put_on_the_deck_is_drawn_in_front_of_it():
    from pylabrobot.resources import TIP_CAR_480_A00, STARLetDeck

    deck = STARLetDeck()
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = _plr.labware("hamilton_96_tiprack_1000uL_filter", "tips")
    deck.assign_child_resource(tip_car, rails=1)
    dest = _plr.labware("cor_96_wellplate_360uL_Fb", "dest")  # never assigned
    lh = _plr.new_handler(deck)
    b = bind(_info("lh: LiquidHandler, tips: TipRack, dest: Plate"),
             setup={"lh": lh, "tips": tips, "dest": dest})
    data = layout(b)
    off = [r for r in data["resources"] if r.get("off_deck")]
    plate = next(r for r in off if r["category"] == "plate")
    rack = next(r for r in data["resources"] if r["name"] == "tips")
    assert plate["key"] == "dest" and plate["parameter"] == "dest"
    assert plate["y"] + plate["size_y"] < 0 and plate["x"] == rack["x"]  # in front, aligned
    assert sum(r["category"] == "well" for r in off) == 96
    a1 = next(r for r in off if r["key"] == "dest[A1]")
    assert plate["x"] < a1["x"] < plate["x"] + plate["size_x"]
    assert not any(r.get("off_deck") for r in data["resources"] if r["name"] == "tips")
