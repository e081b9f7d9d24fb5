"""Mistake: four tips picked up on every other channel (``use_channels=[0, 2, 4, 6]``, for the
spacing of a reservoir) but the aspiration after it names no channels, so PLR takes channels
0-3 and raises ``NoTipError`` for channel 1. Fixed by giving the liquid ops the channels that
hold the tips.
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


async def spaced_channels(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:D1"], use_channels=[0, 2, 4, 6])
    await lh.aspirate(source["A1:D1"], vols=[20] * 4)
    await lh.dispense(dest["A1:D1"], vols=[20] * 4)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

