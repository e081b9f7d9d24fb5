"""A fill that clamps its own count: ``columns = max(1, min(n_columns, 12))`` before ``for
col in range(1, columns + 1)``, a fresh column of tips each. Every value of ``n_columns``
stays on the plate and in the rack, so the verdict is ok for all of them, not only for the
default (4); PLR completes.
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


async def fill_columns(lh: LiquidHandler, tips: TipRack, buffer: Plate, plate: Plate,
                       n_columns: int = 4, volume: float = 100):
    columns = max(1, min(n_columns, 12))
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(buffer[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = buffer = cor_96_wellplate_360uL_Fb(name="buffer")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    buffer.set_well_volumes([300] * 96)
    return {"lh": lh, "tips": tips, "buffer": buffer, "plate": plate}
