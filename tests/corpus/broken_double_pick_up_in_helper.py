"""Mistake: the caller picks up tips and then calls a helper that picks up its own; the
helper's pick-up finds the channels loaded and PLR raises ``HasTipError`` there.
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


async def add_buffer(lh, tips, source, dest, col, volume=50):
    await lh.pick_up_tips(tips[f"A{col}:H{col}"])
    await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()


async def prepare(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await add_buffer(lh, tips, source, dest, 1)
    await lh.pick_up_tips(tips["A2:H2"])  # left over from an older version
    await add_buffer(lh, tips, source, dest, 3)


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

