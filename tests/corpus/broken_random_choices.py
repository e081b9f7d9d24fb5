"""Mistake: ``random.choice`` (with replacement) to pick tips, seeded - the same spot comes twice.

``random.sample`` would draw without replacement; with seed 7 the fourth draw repeats
B1, and PLR raises ``NoTipError: Tip spot does not have a tip.``
"""
import random

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


async def random_tips(lh: LiquidHandler, tips: TipRack, plate: Plate):
    random.seed(7)
    first_column = tips.get_all_items()[:8]
    for col in range(1, 7):
        spot = random.choice(first_column)
        await lh.pick_up_tips([spot])
        await lh.aspirate(plate[f"A{col}"], vols=[10])
        await lh.dispense(plate[f"B{col}"], vols=[10])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
