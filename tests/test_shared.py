"""Bindings of the same labels share item keys; bindings of the same kept setup also share
what its objects are (the deck's walk, a lid anywhere), worked out once; a setup given as
objects, which its owner may change between simulations, is walked every time."""

from __future__ import annotations

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, STARLetDeck, cor_96_wellplate_360uL_Fb
from pylabrobot.resources.lid import Lid

from praxis_lab import simulate
from praxis_lab.deck.binding import bind
from praxis_lab.deck.walk import signature
from praxis_lab.protocol import setups
from praxis_lab.protocol.loading import load

PROTOCOL = '''
async def p(lh: LiquidHandler, plate: Plate):
    pass
'''

SETUP = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, STARLetDeck, cor_96_wellplate_360uL_Fb

def setup():
    deck = STARLetDeck()
    carrier = PLT_CAR_L5AC_A00(name="plate_car")
    carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    deck.assign_child_resource(carrier, rails=8)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "plate": plate}

async def p(lh: LiquidHandler, plate: Plate):
    await lh.pick_up_tips([])  # an edit: {n}
'''


def _objects() -> dict[str, object]:
    deck = STARLetDeck()
    carrier = PLT_CAR_L5AC_A00(name="plate_car")
    carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    deck.assign_child_resource(carrier, rails=8)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "plate": plate}


def test_bindings_of_one_kept_setup_walk_its_deck_once_and_share_the_lid_check():
    info, objects = load(PROTOCOL).info, _objects()
    first = bind(info, objects, kept="fingerprint")
    walked = first.deck_signature()
    again = bind(info, objects, kept="fingerprint")
    assert again.deck_signature() is walked  # not walked again
    assert not first.starts_lidded() and not again.starts_lidded()
    other = bind(info, objects, kept="another fingerprint")  # another setup: its own walk
    assert other.deck_signature() is not walked and other.deck_signature() == walked


def test_a_kept_setup_built_again_gets_a_walk_of_its_new_deck():
    info = load(PROTOCOL).info
    first = bind(info, _objects(), kept="fingerprint")
    rebuilt = _objects()  # the same fingerprint after the kept objects were let go
    rebuilt["plate"].assign_child_resource(  # type: ignore[attr-defined]
        Lid("lid", 127.76, 85.48, 8.0, nesting_z_height=5.0))
    again = bind(info, rebuilt, kept="fingerprint")
    assert first.deck_signature() != again.deck_signature()
    assert not first.starts_lidded() and again.starts_lidded()


def test_objects_given_as_they_are_are_walked_every_time_so_a_lid_put_on_between_is_seen():
    info, objects = load(PROTOCOL).info, _objects()
    before = bind(info, objects)  # a dict of objects: not kept (its owner may change it)
    assert not before.starts_lidded()
    objects["plate"].assign_child_resource(  # type: ignore[attr-defined]
        Lid("lid", 127.76, 85.48, 8.0, nesting_z_height=5.0))
    assert bind(info, objects).starts_lidded()


def test_simulations_of_edits_with_an_unchanged_setup_walk_its_deck_once(monkeypatch):
    from praxis_lab.deck import binding

    walks: list[object] = []

    def counted(deck: object) -> tuple[object, ...]:
        walks.append(deck)
        return signature(deck)

    monkeypatch.setattr(binding, "signature", counted)
    setups.clear()
    first = simulate(SETUP.replace("{n}", "1"), setup="setup", cache=False)
    second = simulate(SETUP.replace("{n}", "2"), setup="setup", cache=False)
    assert first.deck_layout == second.deck_layout and len(walks) == 1
    setups.clear()  # built again: a new deck, walked
    simulate(SETUP.replace("{n}", "3"), setup="setup", cache=False)
    assert len(walks) == 2 and walks[0] is not walks[1]


def test_a_well_given_as_a_parameter_keeps_its_name_when_its_plates_keys_are_shared():
    info = load('''
async def p(lh: LiquidHandler, plate: Plate, control: Well):
    pass
''').info
    objects = _objects()
    objects["control"] = objects["plate"]["H12"][0]  # type: ignore[index]
    for _ in range(2):  # the second binding takes the plate's keys from the first
        b = bind(info, objects)
        assert b.key(objects["plate"]["A1"][0]) == "plate[A1]"  # type: ignore[index]
        assert b.key(objects["control"]) == "control"
        assert b.key(objects["plate"]["G12"][0]) == "plate[G12]"  # type: ignore[index]


def test_the_keys_of_a_plate_are_worked_out_again_when_a_well_is_replaced():
    from pylabrobot.resources import Well

    info, objects = load(PROTOCOL).info, _objects()
    plate = objects["plate"]
    old = plate["B3"][0]  # type: ignore[index]
    assert bind(info, objects).key(old) == "plate[B3]"
    where = old.location
    plate.unassign_child_resource(old)  # type: ignore[attr-defined]
    new = Well(name=old.name, size_x=old.get_size_x(), size_y=old.get_size_y(),
               size_z=old.get_size_z())
    plate.assign_child_resource(new, location=where)  # type: ignore[attr-defined]
    again = bind(info, objects)
    assert again.key(new) == "plate[B3]" and again.key(old) == old.name
