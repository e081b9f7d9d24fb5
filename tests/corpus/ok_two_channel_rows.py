"""A two-channel handler walking a row two wells at a time.

``plate.row("A")`` gives the twelve wells of row A; the script pairs them up and moves
each pair with channels 0 and 1, tips from ``tips.row(0)``.
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


async def row_pairs(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    src, dst, tip_row = source.row("A"), dest.row("B"), tips.row(0)
    for i in range(0, 12, 2):
        await lh.pick_up_tips(tip_row[i:i + 2], use_channels=[0, 1])
        await lh.aspirate(src[i:i + 2], vols=[25, 25], use_channels=[0, 1])
        await lh.dispense(dst[i:i + 2], vols=[25, 25], use_channels=[0, 1])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=2), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

