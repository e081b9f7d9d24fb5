"""Mistake: the ``try`` catches the wrong error - ``except NoTipError`` around an aspiration that
runs the well dry (``TooLittleLiquidError``), so PLR raises through it.
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
from pylabrobot.resources.errors import NoTipError


async def guarded(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    try:
        await lh.aspirate(plate["A1"], vols=[200])
    except NoTipError:
        await lh.pick_up_tips(tips["B1"])
        await lh.aspirate(plate["A1"], vols=[200])
    await lh.dispense(plate["A2"], vols=[200])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.get_well("A1").tracker.set_volume(150)
    return {"lh": lh, "tips": tips, "plate": plate}
