"""Mistake: the wash volume parameter defaults to 400 µL for a 360 µL plate (copied from
a deep-well protocol); PLR raises ``TooLittleVolumeError`` at the dispense. The tips (300 µL
tips hold 400 µL) take it.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)


async def wash(lh: LiquidHandler, tips: TipRack, buffer: Trough, plate: Plate,
               wash_volume: float = 400):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, 4):
        await lh.aspirate([buffer] * 8, vols=[wash_volume] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[wash_volume] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = buffer = hamilton_1_trough_200ml_Vb(name="buffer")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    buffer.tracker.set_volume(50_000)
    return {"lh": lh, "tips": tips, "buffer": buffer, "plate": plate}
