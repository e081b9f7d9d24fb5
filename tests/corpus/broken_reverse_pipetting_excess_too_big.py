"""Mistake: reverse pipetting with a 150 µL excess kept in the tip, on 300 µL tips (which hold
400 µL): 280 + 150 µL does not fit the tip and PLR raises ``TooLittleVolumeError`` at the
first aspiration.
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


async def reverse_pipette(lh: LiquidHandler, tips: TipRack, glycerol: Trough, plate: Plate,
                          volume: float = 280, excess: float = 150):
    for col in (1, 2):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate([glycerol] * 8, vols=[volume + excess] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = glycerol = hamilton_1_trough_200ml_Vb(name="glycerol")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    glycerol.tracker.set_volume(50_000)
    return {"lh": lh, "tips": tips, "glycerol": glycerol, "plate": plate}
