"""A tip rack refilled mid-protocol: twelve columns are used for the first plate, the
operator swaps in a full rack (``tips.fill()``, as PLR's docs show for a refill), and the
same twelve spots serve the second plate.
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


async def stamp_plate(lh, tips, source, dest):
    for col in range(1, 13):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[15] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[15] * 8)
        await lh.discard_tips()


async def two_plates(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     dest2: Plate):
    await stamp_plate(lh, tips, source, dest)
    tips.fill()  # the operator puts a fresh rack in
    await stamp_plate(lh, tips, source, dest2)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    plt_car[2] = dest2 = cor_96_wellplate_360uL_Fb(name="dest2")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest, "dest2": dest2}
