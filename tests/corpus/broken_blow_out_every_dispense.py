"""Mistake: a multi-dispense that blows out air after every dispense.

One aspirate takes up 150 uL and 10 uL of blow-out air per channel, then three dispenses
of 50 uL each ask for ``blow_out_air_volume=[10] * 8``. The first dispense blows the air
out; PLR 0.2.2 (volume tracking on) raises ``BlowOutVolumeError`` ("No blowout volume was
aspirated") at the second.
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

AIR = [10] * 8


async def multi_dispense(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(source["A1:H1"], vols=[150] * 8, blow_out_air_volume=AIR)
    for col in (1, 2, 3):
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[50] * 8, blow_out_air_volume=AIR)
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
