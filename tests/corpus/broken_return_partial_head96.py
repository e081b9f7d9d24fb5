"""Mistake: ``return_tips96`` after picking up from a partly used rack.

The 96 head picks up whatever is left (columns 4-12) and works fine, but PLR 0.2.2 finds
the rack to return to through the tip on position A1, which is missing: it raises
``RuntimeError: No tips have been picked up with the 96 head``.
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


async def wash_columns(lh: LiquidHandler, tips: TipRack, buffer: Plate, plate: Plate):
    await lh.pick_up_tips96(tips)
    await lh.aspirate96(buffer, volume=50)
    await lh.dispense96(plate, volume=50)
    await lh.return_tips96()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    tips.set_tip_state([i // 8 >= 3 for i in range(96)])  # columns 1-3 already used
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = buffer = cor_96_wellplate_360uL_Fb(name="buffer")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    buffer.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "buffer": buffer, "plate": plate}
