"""Normalisation: per-sample volumes computed from a concentration table.

Water first (one tip, reused: it touches only water), then each sample with its own tip.
Volumes differ per well and come from a dict comprehension.
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

CONCENTRATIONS = {"A1": 80.0, "B1": 40.0, "C1": 160.0, "D1": 20.0}  # ng/uL
TARGET_NG, FINAL_UL = 800.0, 50.0


async def normalise(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    sample_ul = {w: TARGET_NG / c for w, c in CONCENTRATIONS.items()}
    water_ul = {w: FINAL_UL - v for w, v in sample_ul.items()}
    await lh.pick_up_tips(tips["H12"])
    for well, vol in water_ul.items():
        await lh.aspirate(source["H1"], vols=[vol])
        await lh.dispense(dest[well], vols=[vol])
    await lh.discard_tips()
    for n, (well, vol) in enumerate(sample_ul.items()):
        await lh.pick_up_tips(tips[n])
        await lh.aspirate(source[well], vols=[vol])
        await lh.dispense(dest[well], vols=[vol])
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
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

