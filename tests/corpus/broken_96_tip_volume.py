"""Mistake: 50 µL tips on the 96 head, asked for 80 µL - the volume was raised for a new assay
without changing the tip rack. PLR raises ``TooLittleVolumeError`` (the tips' capacity) at
``aspirate96``.
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
    hamilton_96_tiprack_50uL,
)


async def stamp_plate(lh: LiquidHandler, tip_rack: TipRack, source: Plate, target: Plate,
                      volume: float = 80):
    await lh.pick_up_tips96(tip_rack)
    await lh.aspirate96(source, volume=volume)
    await lh.dispense96(target, volume=volume)
    await lh.return_tips96()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[1] = tip_rack = hamilton_96_tiprack_50uL(name="tip_rack")
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    plt_carrier = PLT_CAR_L5AC_A00(name="plt_carrier")
    plt_carrier[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_carrier[1] = target = cor_96_wellplate_360uL_Fb(name="target")
    lh.deck.assign_child_resource(plt_carrier, rails=7)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tip_rack": tip_rack, "source": source, "target": target}
