"""Mistake: three passes of 70 µL from a well that holds 200 µL; the first two are fine and
the last pass finds 60 µL, so PLR raises ``TooLittleLiquidError`` on it.
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


async def three_passes(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                       per_pass: float = 70):
    await lh.pick_up_tips(tips["A1:H1"])
    for dest_col in (1, 2, 3):
        await lh.aspirate(source["A1:H1"], vols=[per_pass] * 8)
        await lh.dispense(dest[f"A{dest_col}:H{dest_col}"], vols=[per_pass] * 8)
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

