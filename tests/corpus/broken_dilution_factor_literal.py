"""Mistake: the dilution factor is a ``Literal["1:2", "1:4"]`` whose default, ``"1:4"``, puts
300 µL of diluent and 100 µL of sample into a 360 µL well. PLR raises
``TooLittleVolumeError`` at the sample's dispense; each factor is a path of its own and the
overflow happens with the defaults.
"""
from typing import Literal

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

DILUENT = {"1:2": 100, "1:4": 300}


async def dilute(lh: LiquidHandler, tips: TipRack, stock: Plate, plate: Plate,
                 factor: Literal["1:2", "1:4"] = "1:4"):
    diluent = DILUENT[factor]
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(stock["A12:H12"], vols=[diluent] * 8)
    await lh.dispense(plate["A1:H1"], vols=[diluent] * 8)
    await lh.aspirate(stock["A1:H1"], vols=[100] * 8)
    await lh.dispense(plate["A1:H1"], vols=[100] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = stock = cor_96_wellplate_360uL_Fb(name="stock")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    stock.set_well_volumes([350] * 96)
    return {"lh": lh, "tips": tips, "stock": stock, "plate": plate}
