"""A transfer helper with default arguments (volume, mix cycles, whether to keep the tip)
called with and without them: the defaults cover most columns, two calls override them.
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


async def transfer_column(lh, tips, src, dst, col, volume=40.0, mix_cycles=0, keep_tips=False):
    await lh.pick_up_tips(tips[f"A{col}:H{col}"])
    await lh.aspirate(src[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.dispense(dst[f"A{col}:H{col}"], vols=[volume] * 8)
    for _ in range(mix_cycles):
        await lh.aspirate(dst[f"A{col}:H{col}"], vols=[volume / 2] * 8)
        await lh.dispense(dst[f"A{col}:H{col}"], vols=[volume / 2] * 8)
    if keep_tips:
        await lh.return_tips()
    else:
        await lh.discard_tips()


async def plate_copy(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await transfer_column(lh, tips, source, dest, 1)
    await transfer_column(lh, tips, source, dest, 2, volume=60, mix_cycles=2)
    await transfer_column(lh, tips, source, dest, 3, keep_tips=True)
    for col in range(4, 7):
        await transfer_column(lh, tips, source, dest, col, mix_cycles=1)


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

