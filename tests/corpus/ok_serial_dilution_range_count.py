"""A serial dilution along the plate written with ``for col in range(1, n_dilutions)``: each
pass moves ``transfer`` from column ``col`` to ``col + 1`` and mixes, with one column of tips
throughout. The default (8) runs 7 transfers and PLR completes; from 13 on the last transfer
asks for column 13 (PLR's ``IndexError``: ``n_dilutions > 12``).
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.liquid_handling.standard import Mix
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
                          n_dilutions: int = 8, transfer: float = 50):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, n_dilutions):
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[transfer] * 8)
        await lh.dispense(plate[f"A{col + 1}:H{col + 1}"], vols=[transfer] * 8,
                          mix=[Mix(volume=40, repetitions=3, flow_rate=100)] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes(([150] + [100] * 11) * 8)
    return {"lh": lh, "tips": tips, "plate": plate}
