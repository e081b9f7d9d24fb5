"""Mistake: the protocol checks its sample list with ``assert`` (at most one column of
eight), but the list has ten samples: ``AssertionError`` before any liquid moves.
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

SAMPLES = [f"{row}{col}" for col in (1, 2) for row in "ABCDE"]


async def one_column(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    assert len(SAMPLES) <= 8, f"{len(SAMPLES)} samples do not fit one column"
    await lh.pick_up_tips(tips["A1:H1"])
    wells = [source.get_item(name) for name in SAMPLES]
    await lh.aspirate(wells, vols=[20] * len(wells))
    await lh.dispense(dest["A1:H1"], vols=[20] * len(wells))
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
    source.set_well_volumes([300] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

