"""Mistake: the deck names the plate ``"plate_01"``, the protocol asks for ``"plate_1"``.

Only ``lh`` is passed; ``lh.deck.get_resource`` raises
``ResourceNotFoundError: Resource 'plate_1' not found``.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_1000uL_filter,
)


async def by_name(lh: LiquidHandler):
    tiprack = lh.deck.get_resource("tips_01")
    plate = lh.deck.get_resource("plate_1")
    await lh.pick_up_tips(tiprack["A1:C1"])
    await lh.aspirate(plate["A1:C1"], vols=[100.0, 50.0, 200.0])
    await lh.dispense(plate["D1:F1"], vols=[100.0, 50.0, 200.0])
    await lh.drop_tips(tiprack["A1:C1"])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip carrier")
    tip_car[0] = hamilton_96_tiprack_1000uL_filter(name="tips_01")
    lh.deck.assign_child_resource(tip_car, rails=3)
    plt_car = PLT_CAR_L5AC_A00(name="plate carrier")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate_01")
    lh.deck.assign_child_resource(plt_car, rails=15)
    plate.set_well_volumes([200] * 96)
    return {"lh": lh}
