"""Mistake: pooling 40 µL from each of the twelve wells of row A into one 360 µL well: the
tenth dispense overflows it and PLR raises ``TooLittleVolumeError``.
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


async def pool(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate, each: float = 40):
    pool_well = dest.get_item("H12")
    await lh.pick_up_tips([tips.get_item("A1")])
    for well in source.get_all_items()[::8]:  # row A, column by column
        await lh.aspirate([well], vols=[each])
        await lh.dispense([pool_well], vols=[each])
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

