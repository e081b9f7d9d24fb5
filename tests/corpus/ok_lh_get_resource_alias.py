"""Labware found through ``lh.get_resource`` (the handler is a Resource too), via an alias.

Lab scripts often rename the handler (``liquid_handler = lh``) and fetch labware by
the names the deck file gave them; the used tips go to the deck's trash area.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    STARLetDeck,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200mL_Vb,
    hamilton_96_tiprack_300uL,
)


async def fill_assay_plate(lh: LiquidHandler, volume: float = 150):
    liquid_handler = lh
    tips = liquid_handler.get_resource("tips_300")
    buffer = liquid_handler.get_resource("buffer")
    assay = liquid_handler.get_resource("assay_plate")
    trash = liquid_handler.deck.get_trash_area()

    for column in (1, 2):
        await liquid_handler.pick_up_tips(tips[f"A{column}:H{column}"])
        await liquid_handler.aspirate([buffer] * 8, vols=[volume] * 8)
        await liquid_handler.dispense(assay[f"A{column}:H{column}"], vols=[volume] * 8)
        await liquid_handler.drop_tips([trash] * 8)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = hamilton_96_tiprack_300uL(name="tips_300")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = buffer = hamilton_1_trough_200mL_Vb(name="buffer")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = cor_96_wellplate_360uL_Fb(name="assay_plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    buffer.tracker.set_volume(50_000)
    return {"lh": lh}
