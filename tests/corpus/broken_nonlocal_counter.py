"""Mistake: a ``nonlocal`` tip counter that is read but never advanced.

The helper forgot ``tip_column += 1``: every transfer asks for column 1 again, and the
second pick-up finds it empty - PLR raises ``NoTipError``.
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


async def stamp_columns(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    tip_column = 1

    async def next_tips():
        nonlocal tip_column
        spots = tips[f"A{tip_column}:H{tip_column}"]
        return spots

    for col in range(1, 4):
        await lh.pick_up_tips(await next_tips())
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[25] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[25] * 8)
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
    source.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
