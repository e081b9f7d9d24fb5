"""Helpers split over several ``async def``s, each awaited with the handler passed in.

A stamping step written the way lab scripts grow: ``add(lh, ...)`` moves one column with
fresh tips, ``stamp(lh, ...)`` loops over columns read with PLR's ``plate.column(i)``
and ``tips.column(i)`` accessors.
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


async def add(lh, tip_column, source_wells, dest_wells, volume):
    await lh.pick_up_tips(tip_column)
    await lh.aspirate(source_wells, vols=[volume] * len(source_wells))
    await lh.dispense(dest_wells, vols=[volume] * len(dest_wells))
    await lh.discard_tips()


async def stamp(lh, tips, source, dest, columns, volume):
    for i in columns:
        await add(lh, tips.column(i), source.column(i), dest.column(i), volume)


async def replicate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                    volume: float = 30):
    await stamp(lh, tips, source, dest, range(3), volume)
    await stamp(lh, tips, source, dest, [5, 6], volume / 2)


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

