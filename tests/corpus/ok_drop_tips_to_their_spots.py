"""Tips parked in their own spots by name: after each column the tips are dropped back
with ``drop_tips(tips[...])`` into the spots they came from, and the next column takes the
next spots; nothing goes to the trash.
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


def column(rack, col):
    return rack[f"A{col}:H{col}"]


async def park_tips(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for col in (1, 2, 3):
        await lh.pick_up_tips(column(tips, col))
        await lh.aspirate(column(source, col), vols=[40] * 8)
        await lh.dispense(column(dest, col), vols=[40] * 8)
        await lh.drop_tips(column(tips, col))
    assert all(spot.has_tip() for spot in tips.get_all_items()[:24])


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

