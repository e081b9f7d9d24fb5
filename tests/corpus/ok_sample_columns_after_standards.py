"""A standard curve in columns 1-2, the samples from column 3 on: one column of samples per
pass of ``for i in range(n_sample_columns)``, each with a fresh column of tips. With the
default (6) the samples fill columns 3-8 and PLR completes; from 11 sample columns on the
loop asks for column 13 of a 12-column plate (PLR's ``IndexError``: ``n_sample_columns >
10``).
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

STANDARD_COLUMNS = 2


async def plate_samples(lh: LiquidHandler, tips: TipRack, sources: Plate, assay: Plate,
                        n_sample_columns: int = 6, volume: float = 50):
    for i in range(n_sample_columns):
        col = STANDARD_COLUMNS + 1 + i
        await lh.pick_up_tips(tips[f"A{i + 1}:H{i + 1}"])
        await lh.aspirate(sources[f"A{i + 1}:H{i + 1}"], vols=[volume] * 8)
        await lh.dispense(assay[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = sources = cor_96_wellplate_360uL_Fb(name="sources")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    sources.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "sources": sources, "assay": assay}
