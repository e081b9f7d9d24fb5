"""One walk of a deck serves the layout's memo and the lid check; a binding finds a lid
on the deck through it and a lid off the deck through its labware."""

from __future__ import annotations

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)

from praxis_lab.deck.binding import bind
from praxis_lab.deck.walk import lidded, signature, under
from praxis_lab.protocol.loading import load

PROTOCOL = '''
async def p(lh: LiquidHandler, plate: Plate, spare: Plate):
    pass
'''


def _setup(lid_on_deck: bool, lid_off_deck: bool) -> dict[str, object]:
    deck = STARLetDeck()
    carrier = PLT_CAR_L5AC_A00(name="plate_car")
    carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate", with_lid=lid_on_deck)
    deck.assign_child_resource(carrier, rails=8)
    spare = cor_96_wellplate_360uL_Fb(name="spare", with_lid=lid_off_deck)  # never assigned
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck)
    return {"lh": lh, "plate": plate, "spare": spare}


def test_a_well_on_a_carrier_is_under_the_deck_and_a_plate_never_assigned_is_not():
    objects = _setup(False, False)
    deck = objects["lh"].deck  # type: ignore[attr-defined]
    assert under(objects["plate"].get_item("A1"), deck)  # type: ignore[attr-defined]
    assert under(deck, deck) and not under(objects["spare"], deck)
    assert not under(objects["lh"], deck)  # the handler is above the deck


def test_the_walk_sees_a_lid_only_where_one_sits():
    assert not lidded(signature(_setup(False, True)["lh"].deck))  # type: ignore[attr-defined]
    assert lidded(signature(_setup(True, False)["lh"].deck))  # type: ignore[attr-defined]


def test_a_binding_finds_a_lid_on_the_deck_or_on_labware_off_it_and_none_elsewhere():
    loaded = load(PROTOCOL)
    for on_deck, off_deck in ((False, False), (True, False), (False, True)):
        binding = bind(loaded.info, _setup(on_deck, off_deck))
        assert binding.starts_lidded() == (on_deck or off_deck), (on_deck, off_deck)
        assert binding.deck_signature() is binding.deck_signature()  # walked once
