"""Mistake: 60 µL per well into the quadrants of a 28 µL 384-well plate (the 96-head guide's
reformatting with the volume of the previous, deep-well assay).

PLR raises ``TooLittleVolumeError: Not enough space in container`` at the first
``dispense96``.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Greiner_384_wellplate_28ul_Fb,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_50uL,
)


async def collapse_quadrants(lh: LiquidHandler, tip_rack: TipRack, plate384: Plate,
                             plate96: Plate, volume: float = 60):
    await lh.pick_up_tips96(tip_rack)
    for quadrant in ("tl", "tr", "bl", "br"):
        await lh.aspirate96(plate96, volume=volume)
        await lh.dispense96(plate384.get_quadrant(quadrant), volume=volume)
    await lh.discard_tips96()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[0] = tip_rack = hamilton_96_tiprack_50uL(name="tips50")
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    plt_carrier = PLT_CAR_L5AC_A00(name="plt_carrier")
    plt_carrier[0] = plate96 = cor_96_wellplate_360uL_Fb(name="plate96")
    plt_carrier[1] = plate384 = Greiner_384_wellplate_28ul_Fb(name="plate384")
    lh.deck.assign_child_resource(plt_carrier, rails=7)
    plate96.set_well_volumes([300] * 96)
    return {"lh": lh, "tip_rack": tip_rack, "plate384": plate384, "plate96": plate96}
