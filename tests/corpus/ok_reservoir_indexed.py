"""A single-well reservoir plate indexed like a plate: ``reservoir["A1"] * 8`` (it has a well).

Reagent from a 195 mL reservoir into the first three columns, one channel per row,
with the same tips.
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
    nest_1_troughplate_195000uL_Vb,
)


async def add_reagent(lh: LiquidHandler, tips: TipRack, reservoir: Plate, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in (1, 2, 3):
        await lh.aspirate(reservoir["A1"] * 8, vols=[200] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[200] * 8)
    await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reservoir = nest_1_troughplate_195000uL_Vb(name="reservoir")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reservoir.get_well("A1").tracker.set_volume(100_000)
    return {"lh": lh, "tips": tips, "reservoir": reservoir, "plate": plate}
