"""Start volumes set inside the protocol: ``set_well_volumes``, ``tracker.set_volume`` and the
deprecated ``tracker.set_liquids`` that older notebooks still use.

Nothing is filled in the setup: the protocol declares what the operator put on the deck.
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


async def declared_volumes(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):
    src.set_well_volumes([120] * 96)
    dst.get_well("A1").tracker.set_volume(200)
    dst.get_well("B1").tracker.set_liquids([(None, 150), (None, 50)])

    await lh.pick_up_tips(tips["A1:B1"])
    await lh.aspirate(src["A1:B1"], vols=[120, 120])
    await lh.dispense(dst["A1:B1"], vols=[120, 120])  # 320 µL of 360 µL in each
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
    plt_car[1] = dst = cor_96_wellplate_360uL_Fb(name="dst")
    lh.deck.assign_child_resource(plt_car, rails=8)
    return {"lh": lh, "tips": tips, "src": src, "dst": dst}
