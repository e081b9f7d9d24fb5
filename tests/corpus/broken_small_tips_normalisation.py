"""Mistake: 10 uL tips for a normalisation whose largest volume is 18 uL.

The table was written for 50 uL tips; one sample needs 18 uL, more than a 10 uL tip (15 uL at most)
holds. PLR 0.2.2 raises ``TooLittleVolumeError`` at that aspirate.
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
    hamilton_96_tiprack_10uL,
)

VOLUMES = {"A1": 4.0, "B1": 8.5, "C1": 2.0, "D1": 18.0, "E1": 6.0}


async def normalise(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    wells = list(VOLUMES)
    for spot, well in zip(tips["A1:E1"], wells, strict=True):
        await lh.pick_up_tips([spot])
        await lh.aspirate([source[well][0]], vols=[VOLUMES[well]])
        await lh.dispense([dest[well][0]], vols=[VOLUMES[well]])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_10uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
