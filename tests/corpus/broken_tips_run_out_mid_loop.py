"""Mistake: the list of full tip spots is built once from a rack half used by an earlier
run, and one tip per sample is ``pop``ped from it; 60 samples need more tips than the 56
left, so ``spots.pop(0)`` raises ``IndexError`` on the 57th sample.
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


async def per_sample(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     n_samples: int = 60):
    spots = [s for s in tips.get_all_items() if s.has_tip()]
    for i in range(n_samples):
        well = source.get_all_items()[i]
        await lh.pick_up_tips([spots.pop(0)])
        await lh.aspirate([well], vols=[20])
        await lh.dispense([dest.get_all_items()[i]], vols=[20])
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
    tips.set_tip_state([i >= 40 for i in range(96)])  # columns 1-5 used
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
