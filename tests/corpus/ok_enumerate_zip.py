"""``enumerate``, ``zip`` and list comprehensions over a worklist of (source, target, volume).

A normalisation worklist: each sample gets its own volume; one channel, one tip per
sample, tips discarded.
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

WORKLIST = [("A1", "B1", 12.5), ("A2", "B2", 30.0), ("A3", "B3", 7.5), ("A4", "B4", 45.0)]


async def worklist(lh: LiquidHandler, tips: TipRack, samples: Plate, normalised: Plate):
    sources = [samples.get_well(s) for s, _, _ in WORKLIST]
    targets = [normalised.get_well(t) for _, t, _ in WORKLIST]
    volumes = [v for _, _, v in WORKLIST]
    for i, (source, target, volume) in enumerate(zip(sources, targets, volumes, strict=True)):
        await lh.pick_up_tips([tips.get_item(i)])
        await lh.aspirate([source], vols=[volume])
        await lh.dispense([target], vols=[volume])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    plt_car[1] = normalised = cor_96_wellplate_360uL_Fb(name="normalised")
    lh.deck.assign_child_resource(plt_car, rails=8)
    samples.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "samples": samples, "normalised": normalised}
