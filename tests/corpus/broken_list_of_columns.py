"""Mistake: a list of columns (a list of lists) passed where one flat list of wells is expected.

The columns were gathered with a comprehension and handed over whole; PLR raises
``TypeError: Resources must be `Container`s``.
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


async def replicate_columns(lh: LiquidHandler, tips: TipRack, source: Plate, replica: Plate):
    columns = [source[f"A{c}:H{c}"] for c in (1, 2)]
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(columns[0], vols=[20] * 8)
    await lh.dispense([replica[f"A{c}:H{c}"] for c in (1, 2)], vols=[10] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = replica = cor_96_wellplate_360uL_Fb(name="replica")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "source": source, "replica": replica}
