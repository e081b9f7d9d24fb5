"""Mistake: mixing written as ``lh.mix(wells, repetitions=5, volume=60)``, a call PLR 0.2.2's
LiquidHandler does not have (mixing is the ``mix=[Mix(...)]`` argument of aspirate and
dispense). PLR raises ``AttributeError`` at the call; the simulator names it (an unknown
method) and its fixes never crash on the call's shape (it once raised an internal
IndexError here).
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


async def resuspend_column(lh: LiquidHandler, tips: TipRack, plate: Plate):
    wells = plate["A1:H1"]
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(wells, vols=[20] * 8)
    await lh.dispense(wells, vols=[20] * 8)
    await lh.mix(wells, repetitions=5, volume=60)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([150] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
