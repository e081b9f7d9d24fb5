"""Mistake: the ``except`` body of a ``try`` picks up a fresh tip for the backup trough, but the
tip of the failed aspiration is still mounted (PLR's error leaves it on), so PLR raises
``HasTipError`` in the fallback.
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


async def fresh_tip_for_backup(lh: LiquidHandler, tips: TipRack, source: Plate, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    try:
        await lh.aspirate(source["A1"], vols=[120])
    except TooLittleLiquidError:
        await lh.pick_up_tips(tips["B1"])
        await lh.aspirate(source["H12"], vols=[120])
    await lh.dispense(plate["A1"], vols=[120])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.get_well("A1").tracker.set_volume(80)
    source.get_well("H12").tracker.set_volume(300)
    return {"lh": lh, "tips": tips, "source": source, "plate": plate}
