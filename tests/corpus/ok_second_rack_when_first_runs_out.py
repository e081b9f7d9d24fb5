"""Two tip racks used one after the other: a helper picks the rack and column for the n-th
column of tips (``rack = tips1 if n < 12 else tips2``), so sixteen columns of samples run
across both racks.
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


def tip_column(n, tips1, tips2):
    rack = tips1 if n < 12 else tips2
    col = n % 12 + 1
    return rack[f"A{col}:H{col}"]


async def sixteen_columns(lh: LiquidHandler, tips1: TipRack, tips2: TipRack, source: Plate,
                          dest: Plate, dest2: Plate):
    for n in range(16):
        plate = dest if n < 12 else dest2
        col = n % 12 + 1
        await lh.pick_up_tips(tip_column(n, tips1, tips2))
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[10] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[10] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips1 = hamilton_96_tiprack_300uL(name="tips1")
    tip_car[1] = tips2 = hamilton_96_tiprack_300uL(name="tips2")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    plt_car[2] = dest2 = cor_96_wellplate_360uL_Fb(name="dest2")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips1": tips1, "tips2": tips2, "source": source, "dest": dest,
            "dest2": dest2}
