"""Helper functions called from the protocol (ops are recorded at the helper's lines)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_1000uL_filter)


async def move_column(lh, tips, source, dest, col, volume):
    await lh.pick_up_tips(tips[f"A{col}:H{col}"])
    await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()


def column_volume(col):
    return 10.0 * col


async def by_helper(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for col in (1, 2, 3):
        await move_column(lh, tips, source, dest, col, column_volume(col))


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([30.0] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
