"""Mistake: eight channels into one lane of a 12-lane reservoir (``reservoir["A1"] * 8``).

Fine for a single-well reservoir, but a 12-lane lane is too narrow for eight channels
side by side: PLR raises ``ValueError: Resource is too small to space channels.``
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
    nest_12_troughplate_15000uL_Vb,
)


async def reagent_from_lane(lh: LiquidHandler, tips: TipRack, reservoir: Plate, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, 4):
        await lh.aspirate(reservoir["A1"] * 8, vols=[50] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[50] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reservoir = nest_12_troughplate_15000uL_Vb(name="reservoir")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reservoir.set_well_volumes([10_000] * 12)
    return {"lh": lh, "tips": tips, "reservoir": reservoir, "plate": plate}
