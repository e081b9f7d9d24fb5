"""A serial dilution that checks its own argument: ``num_dilutions`` must be 1-12. With the
default (8) it runs; the check's two failing sides are reported with their conditions, and
each message shows a value that meets its condition (``got 0`` when ``num_dilutions < 1``).
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


async def serial_dilution(lh: LiquidHandler, tips: TipRack, plate: Plate,
                          num_dilutions: int = 8, transfer: float = 50):
    if not 1 <= num_dilutions <= 12:
        raise ValueError(f"num_dilutions must be 1-12, got {num_dilutions}")
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, num_dilutions):
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[transfer] * 8)
        await lh.dispense(plate[f"A{col + 1}:H{col + 1}"], vols=[transfer] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([200] + [100] * 95)
    return {"lh": lh, "tips": tips, "plate": plate}
