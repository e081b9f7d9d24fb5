"""Reagent added to the samples a column at a time: ``n_samples`` (40) samples fill
``math.ceil(n_samples / 8)`` columns, each with a fresh column of tips. With the default the
loop runs 5 times and PLR completes; from 97 samples on the loop asks for a 13th column of
tips (PLR's ``IndexError``), a conditional failure said on the parameter itself:
``n_samples > 96``.
"""
import math

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


async def add_reagent(lh: LiquidHandler, tips: TipRack, reagent: Plate, samples: Plate,
                      n_samples: int = 40, volume: float = 20):
    n_columns = math.ceil(n_samples / 8)
    for i in range(n_columns):
        col = i + 1
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(reagent["A1:H1"], vols=[volume] * 8)
        await lh.dispense(samples[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reagent = cor_96_wellplate_360uL_Fb(name="reagent")
    plt_car[1] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reagent.set_well_volumes([350] * 96)
    return {"lh": lh, "tips": tips, "reagent": reagent, "samples": samples}
