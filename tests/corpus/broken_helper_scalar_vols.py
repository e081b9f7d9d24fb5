"""Mistake: a helper passes ``vols=volume`` (a number) where PLR wants one volume per well.

Opentrons habits: ``transfer(volume, ...)``. PLR 0.2.2 raises ``TypeError`` (a float is
not iterable) at the aspirate inside the helper.
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


async def move(lh, source, target, volume):
    await lh.aspirate(source, vols=volume)
    await lh.dispense(target, vols=volume)


async def one_by_one(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 25):
    await lh.pick_up_tips(tips["A1"])
    for row in "ABCD":
        await move(lh, plate[f"{row}1"], plate[f"{row}2"], volume)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
