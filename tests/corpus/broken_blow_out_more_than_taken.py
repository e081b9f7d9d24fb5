"""Mistake: the dispense blows out more air than the aspirate took up.

Supernatant removal with an air gap: the aspirate takes 5 uL of blow-out air per channel,
the dispense asks to blow out 10 uL. PLR 0.2.2 raises ``BlowOutVolumeError`` ("Blowout
volume is larger than aspirated volume") at the dispense.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def remove_supernatant(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    n = 4
    wells = source["A1:D1"]
    await lh.pick_up_tips(tips["A1:D1"])
    await lh.aspirate(wells, vols=[150] * n, liquid_height=[2.0] * n, blow_out_air_volume=[5] * n,
                      offsets=[Coordinate(x=1.5, y=0, z=0)] * n, flow_rates=[50] * n)
    await lh.dispense(dest["A1:D1"], vols=[150] * n, blow_out_air_volume=[10] * n,
                      liquid_height=[None] * n)
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

