"""Labware and carriers are placed through PLR, checked to fit, and put back when PLR refuses."""

from __future__ import annotations

from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    STARLetDeck,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
)

from praxis_lab.deck import placing
from praxis_lab.deck.edit import Refused, attempt


def _deck():
    deck = STARLetDeck()
    plates = PLT_CAR_L5AC_A00(name="plates")
    plates[0] = plate = cor_96_wellplate_360uL_Fb(name="src")
    deck.assign_child_resource(plates, rails=10)
    troughs = Trough_CAR_4R200_A00(name="troughs")
    deck.assign_child_resource(troughs, rails=20)
    return deck, plates, troughs, plate


def test_a_plate_moves_to_a_free_site_and_stays_when_asked_for_its_own():
    _, plates, _, plate = _deck()
    assert placing.to_site(plate, plates, 2).ok and plate.parent is plates[2]
    stays = placing.to_site(plate, plates, 2)
    assert stays.ok and stays.message == "src stays at site 2 of plates"


def test_a_plate_that_does_not_fit_a_trough_site_stays_where_it_was():
    _, plates, troughs, plate = _deck()
    edit = placing.to_site(plate, troughs, 1)
    assert not edit.ok and "does not fit a 37 × 118 mm site" in edit.message
    assert plate.parent is plates[0]
    missing = placing.to_site(plate, plates, 9)
    assert missing.message == "cannot move src to site 9 of plates: plates has sites 0, 1, 2, 3, 4"
    assert not placing.to_site(plate, plate, 0).ok  # not a carrier


def test_a_carrier_plr_refuses_at_a_rail_goes_back_to_its_place():
    deck, plates, _, _ = _deck()
    taken = placing.carrier_to_rails(deck, plates, 20)
    assert not taken.ok and taken.message.startswith("PLR refused to move plates to rail 20: ")
    assert plates.parent is deck and deck.get_resource("plates") is plates
    assert placing.carrier_to_rails(deck, plates, 2).ok


def test_a_new_carrier_gets_a_free_name_and_a_bad_factory_is_refused_before_plr_is_asked():
    deck, *_ = _deck()
    deck.assign_child_resource(TIP_CAR_480_A00(name="tip_car_1"), rails=1)
    assert placing.add_carrier(deck, "TIP_CAR_480_A00", 25).ok
    assert deck.has_resource("tip_car_2")
    refused = placing.add_carrier(deck, "cor_96_wellplate_360uL_Fb", 25)
    assert refused.message.startswith("cannot add a cor_96_wellplate_360uL_Fb at rail 25: ")


def test_an_attempt_undoes_what_plr_refused_and_says_a_check_s_reason():
    undone: list[str] = []

    def refuse() -> None:
        raise Refused("no room")

    def fail() -> None:
        raise ValueError("spot taken")

    assert attempt("move x", refuse, fail, lambda: undone.append("x")).message == \
        "cannot move x: no room"
    assert attempt("move x", lambda: None, fail, lambda: undone.append("x")).message == \
        "PLR refused to move x: spot taken"
    assert undone == ["x"]
    assert attempt("move x", lambda: None, lambda: None, lambda: None).message == "Move x"
