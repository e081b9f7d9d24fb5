"""Mistake: the cherry-pick list has "I3" - a 96-well plate has rows A-H; the lookup
``source.get_item("I3")`` raises at the fourth pick, after three transfers.
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

PICKS = ["A1", "C5", "H12", "I3", "B2"]


async def cherry_pick(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for i, name in enumerate(PICKS):
        await lh.pick_up_tips([tips.get_item(i)])
        await lh.aspirate([source.get_item(name)], vols=[15])
        await lh.dispense([dest.get_item(i)], vols=[15])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

