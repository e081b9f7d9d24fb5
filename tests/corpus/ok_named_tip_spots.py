"""Several names in one index: ``tips["A1", "B2", "C3"]`` and a diagonal of wells.

A cherry-pick: three channels take a diagonal of tips and move three samples to a
diagonal of the destination, then the tips go back into their own spots.
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


async def cherry_pick(lh: LiquidHandler, tips: TipRack, samples: Plate, picks: Plate):
    await lh.pick_up_tips(tips["A1", "B2", "C3"])
    await lh.aspirate(samples["A4", "B7", "C11"], vols=[20, 35, 50])
    await lh.dispense(picks["A1", "B2", "C3"], vols=[20, 35, 50])
    await lh.drop_tips(tips["A1", "B2", "C3"])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    plt_car[1] = picks = cor_96_wellplate_360uL_Fb(name="picks")
    lh.deck.assign_child_resource(plt_car, rails=8)
    samples.set_well_volumes([60] * 96)
    return {"lh": lh, "tips": tips, "samples": samples, "picks": picks}
