"""Reagent added to each sample with a fresh tip, one channel, from a rack opened in an
earlier run: 12 tips are left. The samples are counted with ``while i < n_samples`` (8):
with the default the loop runs 8 times and PLR completes; from 13 samples on the rack has no
tip left where the loop picks (PLR's ``NoTipError``), a conditional failure (``n_samples >
12``), found with the counts a ``for`` loop is checked with.
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


async def add_reagent(lh: LiquidHandler, tips: TipRack, reagent: Plate, samples: Plate,
                      n_samples: int = 8, volume: float = 20):
    spots = tips.get_all_items()  # column by column: A1, B1, ... H1, A2, ...
    wells = samples.get_all_items()
    i = 0
    while i < n_samples:
        await lh.pick_up_tips([spots[i]])
        await lh.aspirate([reagent.get_item("A1")], vols=[volume])
        await lh.dispense([wells[i]], vols=[volume])
        await lh.discard_tips()
        i += 1


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    tips.set_tip_state([i < 12 for i in range(96)])  # the first 12 tips are left
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reagent = cor_96_wellplate_360uL_Fb(name="reagent")
    plt_car[1] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reagent.get_item("A1").tracker.set_volume(350)
    return {"lh": lh, "tips": tips, "reagent": reagent, "samples": samples}
