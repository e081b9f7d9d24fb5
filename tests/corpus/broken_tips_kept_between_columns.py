"""Mistake: the helper picks up tips for every column but only discards every other one.

``if col % 2 == 0: await lh.discard_tips()`` was meant to save tips for same-sample
columns; the second pick-up (column 2) finds the channels still holding column 1's tips and
PLR raises ``HasTipError``.
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


async def add_column(lh, tips, source, dest, col):
    await lh.pick_up_tips(tips[f"A{col}:H{col}"])
    await lh.aspirate(source[f"A{col}:H{col}"], vols=[30] * 8)
    await lh.dispense(dest[f"A{col}:H{col}"], vols=[30] * 8)
    if col % 2 == 0:
        await lh.discard_tips()


async def add_all(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for col in range(1, 7):
        await add_column(lh, tips, source, dest, col)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

