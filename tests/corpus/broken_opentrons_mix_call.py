"""Mistake: ``lh.mix(...)`` - an Opentrons API habit; PLR 0.2.2 mixes through ``Mix`` objects
passed to ``aspirate``/``dispense`` and has no ``mix`` method (``AttributeError``).
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


async def resuspend(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.mix(plate["A1:H1"], vols=[50] * 8, repetitions=5)
    await lh.aspirate(plate["A1:H1"], vols=[50] * 8)
    await lh.dispense(plate["A2:H2"], vols=[50] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
