"""Mistake: one ``TipSpot`` where PLR wants a list: ``tips.get_item("A1")``, not ``tips["A1"]``.

``get_item`` returns the spot itself; ``tips["A1"]`` would be a list of one. PLR raises
``TypeError: 'TipSpot' object is not iterable`` at the pick-up.
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


async def one_sample(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips.get_item("A1"))
    await lh.aspirate(plate["A1"], vols=[50])
    await lh.dispense(plate["A2"], vols=[50])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.get_well("A1").tracker.set_volume(100)
    return {"lh": lh, "tips": tips, "plate": plate}
