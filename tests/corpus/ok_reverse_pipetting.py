"""Reverse pipetting of a viscous reagent (glycerol master mix): every aspiration takes 20 µL
more than is dispensed, the excess stays in the tip and goes to the trash with it.

``discard_tips`` allows liquid left in the tips (``drop_tips`` would not).
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)

EXCESS = 20  # µL kept in the tip


async def reverse_pipette(lh: LiquidHandler, tips: TipRack, mastermix: Trough, plate: Plate,
                          volume: float = 45, columns: int = 6):
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate([mastermix] * 8, vols=[volume + EXCESS] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()  # the 20 µL excess goes with the tips


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = mastermix = hamilton_1_trough_200ml_Vb(name="mastermix")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    mastermix.tracker.set_volume(20_000)
    return {"lh": lh, "tips": tips, "mastermix": mastermix, "plate": plate}
