"""A serial dilution written with ``while`` loops, as a lab's script often is: the columns in
an outer loop, the mixing cycles (``mix_cycles``, a parameter) in a nested ``while k <
mix_cycles`` loop. The loops run with the parameters' values on the default path; other values
of ``mix_cycles`` and ``n_columns`` are explored a few passes deep and summarised, so the check
is fast and the verdict is ok (PLR completes).
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


async def serial_dilution(lh: LiquidHandler, tips: TipRack, plate: Plate, mix_cycles: int = 3,
                          transfer: float = 50, mix_volume: float = 40, n_columns: int = 11):
    last = min(n_columns, 11)  # column 12 has no next column
    col = 1
    while col <= last:
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[transfer] * 8)
        await lh.dispense(plate[f"A{col + 1}:H{col + 1}"], vols=[transfer] * 8)
        k = 0
        while k < mix_cycles:
            await lh.aspirate(plate[f"A{col + 1}:H{col + 1}"], vols=[mix_volume] * 8)
            await lh.dispense(plate[f"A{col + 1}:H{col + 1}"], vols=[mix_volume] * 8)
            k += 1
        await lh.discard_tips()
        col += 1


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([150] + [100] * 11 + [150] * 84)
    return {"lh": lh, "tips": tips, "plate": plate}
