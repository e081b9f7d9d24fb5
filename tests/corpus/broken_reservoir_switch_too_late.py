"""Mistake: the switch to the second trough checks for one well's worth, not a column's.

Each column takes 8 x 150 uL, but the script switches troughs only when less than 150 uL
is left in the first: with 800 uL left it stays, and PLR 0.2.2 raises
``TooLittleLiquidError`` at the sixth channel's aspirate of column 7.
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

PER_WELL = 150


async def wash(lh: LiquidHandler, tips: TipRack, first: Trough, second: Trough, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, 13):
        buffer = first if first.tracker.get_used_volume() >= PER_WELL else second
        await lh.aspirate([buffer] * 8, vols=[PER_WELL] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[PER_WELL] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = first = hamilton_1_trough_200ml_Vb(name="first")
    trough_car[1] = second = hamilton_1_trough_200ml_Vb(name="second")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    first.tracker.set_liquids([(None, 8000)])
    second.tracker.set_liquids([(None, 10000)])
    return {"lh": lh, "tips": tips, "first": first, "second": second, "plate": plate}
