"""Mistake: a ``try/except Exception`` around the pick-up hides that it failed.

The second column's tips were already used (the rack was set up with column 2 empty); the
``except`` logs and carries on, and the aspirate then runs without a tip: PLR raises
``NoTipError`` at the aspirate, not at the pick-up.
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


async def guarded(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for col in (1, 2):
        try:
            await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        except Exception as exc:
            print(f"column {col}: could not pick up tips ({exc})")
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[40] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[40] * 8)
        await lh.discard_tips()


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
    tips.set_tip_state([True] * 8 + [False] * 8 + [True] * 80)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

