"""A protocol that checks its own parameter and raises ``ValueError`` when it is out of
range (a volume the plate cannot take twice): with the default it runs.
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


async def top_up_twice(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                       volume: float = 100):
    room = dest.get_item("A1").max_volume
    if volume * 2 > room:
        raise ValueError(f"{volume} µL twice does not fit a {room} µL well")
    await lh.pick_up_tips(tips["A1:H1"])
    for _ in range(2):
        await lh.aspirate(source["A1:H1"], vols=[volume] * 8)
        await lh.dispense(dest["A1:H1"], vols=[volume] * 8)
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

