"""Mistake: a trough indexed like a plate (``trough["A1"] * 8``); a ``Trough`` has no wells.

The author mixed up the Hamilton trough with a reservoir plate. The protocol itself
raises ``TypeError: 'Trough' object is not subscriptable`` on that line.
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
    hamilton_1_trough_200mL_Vb,
    hamilton_96_tiprack_300uL,
)


async def buffer_column(lh: LiquidHandler, tips: TipRack, trough: Trough, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(trough["A1"] * 8, vols=[100] * 8)
    await lh.dispense(plate["A1:H1"], vols=[100] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = trough = hamilton_1_trough_200mL_Vb(name="trough")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    trough.tracker.set_volume(50_000)
    return {"lh": lh, "tips": tips, "trough": trough, "plate": plate}
