"""The 96 head from a single-well reservoir into two plates (``aspirate96`` on a reservoir plate),
tips discarded with ``discard_tips96``.
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
    nest_1_troughplate_195000uL_Vb,
)


async def fill_two_plates(lh: LiquidHandler, tips: TipRack, reservoir: Plate, plates: list[Plate]):
    await lh.pick_up_tips96(tips)
    for plate in plates:
        await lh.aspirate96(reservoir, volume=100)
        await lh.dispense96(plate, volume=100)
    await lh.discard_tips96()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reservoir = nest_1_troughplate_195000uL_Vb(name="reservoir")
    plt_car[1] = p1 = cor_96_wellplate_360uL_Fb(name="p1")
    plt_car[2] = p2 = cor_96_wellplate_360uL_Fb(name="p2")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reservoir.get_well("A1").tracker.set_volume(100_000)
    return {"lh": lh, "tips": tips, "reservoir": reservoir, "plates": [p1, p2]}
