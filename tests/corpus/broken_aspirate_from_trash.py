"""Mistake: the waste position is used as a source - ``lh.deck.get_trash_area()`` was meant
for the tips, and the aspirate draws from it. PLR raises ``TooLittleLiquidError`` (the trash
holds no liquid); praxis_lab calls it the wrong resource, with or without a setup.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def collect_waste(lh: LiquidHandler, tips: TipRack, plate: Plate):
    waste = lh.deck.get_trash_area()
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate([waste], vols=[50])
    await lh.dispense(plate["A1"], vols=[50])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    return {"lh": lh, "tips": tips, "plate": plate}
