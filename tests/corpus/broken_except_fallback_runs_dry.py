"""Mistake: the fallback of a ``try``/``except`` runs dry itself - the backup well holds enough
for one fallback aspiration, but the primary well runs out two columns early, so PLR raises
``TooLittleLiquidError`` inside the ``except`` body, where nothing catches it.
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
from pylabrobot.resources.errors import TooLittleLiquidError


async def fallback_runs_dry(lh: LiquidHandler, tips: TipRack, buffers: Plate, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    for well in plate["A1:A4"]:
        try:
            await lh.aspirate(buffers["A1"], vols=[100])
        except TooLittleLiquidError:
            await lh.aspirate(buffers["B1"], vols=[100])
        await lh.dispense([well], vols=[100])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = buffers = cor_96_wellplate_360uL_Fb(name="buffers")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    buffers.get_well("A1").tracker.set_volume(250)
    buffers.get_well("B1").tracker.set_volume(150)
    return {"lh": lh, "tips": tips, "buffers": buffers, "plate": plate}
