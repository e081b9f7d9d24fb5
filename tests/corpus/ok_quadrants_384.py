"""The 96 head on a 384-well plate, one quadrant at a time (``get_quadrant``), as the guide does.

A 96-well source is stamped into the four quadrants of a 384-well plate with fresh
50 µL tips per quadrant; the tips go back into their rack each time.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    BioRad_384_wellplate_50uL_Vb,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_50uL,
)


async def reformat_to_384(lh: LiquidHandler, tip_rack: TipRack, source: Plate, plate384: Plate,
                          volume: float = 10):
    for quadrant in ("tl", "tr", "bl", "br"):
        await lh.pick_up_tips96(tip_rack)
        await lh.aspirate96(source, volume=volume)
        await lh.dispense96(plate384.get_quadrant(quadrant), volume=volume)
        await lh.return_tips96()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[1] = tip_rack = hamilton_96_tiprack_50uL(name="tip_rack")
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    plt_carrier = PLT_CAR_L5AC_A00(name="plt_carrier")
    plt_carrier[0] = source = cor_96_wellplate_360uL_Fb(name="plt")
    plt_carrier[1] = plate384 = BioRad_384_wellplate_50uL_Vb(name="plt384")
    lh.deck.assign_child_resource(plt_carrier, rails=7)
    source.set_well_volumes([60] * 96)
    return {"lh": lh, "tip_rack": tip_rack, "source": source, "plate384": plate384}
