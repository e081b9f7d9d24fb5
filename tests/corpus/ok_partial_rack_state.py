"""A partly used tip rack: the protocol marks the used columns (``set_tip_state``) and looks for
the first full column itself (``spot.has_tip()``), as scripts that resume a rack do.
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


def first_full_column(rack):
    for col in range(rack.num_items_x):
        spots = rack.get_all_items()[8 * col:8 * col + 8]
        if all(spot.has_tip() for spot in spots):
            return spots
    raise RuntimeError(f"{rack.name} is empty")


async def resume_rack(lh: LiquidHandler, tips: TipRack, plate: Plate, used_columns: int = 5):
    tips.set_tip_state([i // 8 >= used_columns for i in range(96)])
    for col in (1, 2, 3):
        await lh.pick_up_tips(first_full_column(tips))
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[30] * 8)
        await lh.dispense(plate[f"A{col + 6}:H{col + 6}"], vols=[30] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([30] * 24 + [0] * 72)
    return {"lh": lh, "tips": tips, "plate": plate}
