"""Tips reused across passes: each column's tips go back to their own spots
(``return_tips``) after the first addition and are picked up again from the same spots for
the second, so every column keeps its own tips for both passes.
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


async def two_pass_addition(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                            columns: int = 4):
    for pass_no in (1, 2):
        for col in range(1, columns + 1):
            await lh.pick_up_tips(tips[f"A{col}:H{col}"])
            await lh.aspirate(source[f"A{col}:H{col}"], vols=[25] * 8)
            await lh.dispense(dest[f"A{col}:H{col}"], vols=[25] * 8)
            if pass_no == 1:
                await lh.return_tips()
            else:
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

