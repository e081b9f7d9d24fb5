"""A helper that returns what it moved, awaited for its value; ``asyncio.sleep`` between
steps (a settling time) and the protocol's own ``assert`` on the total.
"""
import asyncio

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


async def take(lh, wells, vol):
    await lh.aspirate(wells, vols=[vol] * len(wells))
    return vol * len(wells)

async def pooled_steps(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:D1"])
    moved = 0
    for col in (1, 2):
        moved += await take(lh, source[f"A{col}:D{col}"], 30)
        await asyncio.sleep(0.01)
        await lh.dispense(dest[f"A{col}:D{col}"], vols=[30] * 4)
    assert moved == 240
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

