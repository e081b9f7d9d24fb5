"""An early ``return`` once the requested number of samples is done (a parameter).

Samples are processed column by column; the loop stops half way through a plate.
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


async def first_samples(lh: LiquidHandler, tips: TipRack, samples: Plate, assay: Plate,
                        n_samples: int = 24):
    done = 0
    for col in range(1, 13):
        if done >= n_samples:
            return
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(samples[f"A{col}:H{col}"], vols=[20] * 8)
        await lh.dispense(assay[f"A{col}:H{col}"], vols=[20] * 8)
        await lh.discard_tips()
        done += 8


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    samples.set_well_volumes([20] * 96)
    return {"lh": lh, "tips": tips, "samples": samples, "assay": assay}
