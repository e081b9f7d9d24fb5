"""A one-channel handler, the worklist as two parallel lists zipped together.

The sources and destinations are lists of well names (a plate map exported from a LIMS);
``plate.get_wells([...])`` turns each into wells; ``lh.transfer`` moves one to one.
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

SOURCES = ["A1", "A2", "B5", "C7", "H12"]
TARGETS = ["D1", "D2", "D3", "D4", "D5"]


async def reformat(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    pairs = zip(source.get_wells(SOURCES), dest.get_wells(TARGETS), strict=True)
    for n, (src, dst) in enumerate(pairs):
        await lh.pick_up_tips(tips.get_items([n]))
        await lh.transfer(src, [dst], source_vol=35)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=1), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

