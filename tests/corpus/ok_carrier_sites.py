"""Plates reached through their carrier's sites (``plt_car[0].resource``), as deck files do.

The protocol gets the carriers, not the plates: whatever sits on site 0 is the source,
site 1 the destination. A half-plate copy with the tips returned.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    PlateCarrier,
    STARLetDeck,
    TipCarrier,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_1000uL_filter,
)


async def copy_from_carrier(lh: LiquidHandler, tip_car: TipCarrier, plt_car: PlateCarrier):
    tips = tip_car[0].resource
    source = plt_car[0].resource
    destination = plt_car[1].resource
    for col in range(1, 7):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[80] * 8)
        await lh.dispense(destination[f"A{col}:H{col}"], vols=[80] * 8)
        await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = cor_96_wellplate_360uL_Fb(name="destination")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([100] * 96)
    return {"lh": lh, "tip_car": tip_car, "plt_car": plt_car}
