"""Volumes given as a generator expression, read once by PLR.

PLR converts every volume with ``[float(v) for v in vols]``, so
``vols=(float(v) for v in row.split(","))`` works: the simulator leaves the generator for
the call to read (reading it first, it would see no volumes).
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


async def generated_volumes(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:D1"], use_channels=range(4))
    await lh.aspirate(source["A1:D1"], vols=(10,) * 4, use_channels=range(4))
    row = "10,10,10,10"  # a row of the plate map's CSV
    await lh.dispense(dest["A1:D1"], vols=(float(v) for v in row.split(",")),
                      use_channels=range(4))
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

