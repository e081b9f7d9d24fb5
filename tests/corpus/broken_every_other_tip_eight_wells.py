"""Mistake: every other tip of column 1 picked up (``tips["A1:H1"][::2]``: four tips, on
channels 0-3) and then all eight wells aspirated: channels 4-7 hold no tip and PLR raises
``NoTipError`` for channel 4.
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


async def every_other(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:H1"][::2])
    await lh.aspirate(source["A1:H1"], vols=[20] * 8)
    await lh.dispense(dest["A1:H1"], vols=[20] * 8)
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

