"""Nested async helpers, a ``nonlocal`` tip counter and an alias of the handler.

The shape of many lab scripts: a ``next_tips()`` helper hands out fresh columns from a
counter, a ``transfer()`` helper does one column, the protocol just loops.
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


async def normalise(lh: LiquidHandler, tips: TipRack, samples: Plate, dilutions: Plate):
    robot = lh
    tip_column = 0

    def next_tips():
        nonlocal tip_column
        tip_column += 1
        return tips[f"A{tip_column}:H{tip_column}"]

    async def transfer(source_wells, target_wells, volume):
        await robot.pick_up_tips(next_tips())
        await robot.aspirate(source_wells, vols=[volume] * len(source_wells))
        await robot.dispense(target_wells, vols=[volume] * len(target_wells))
        await robot.discard_tips()

    for col in range(1, 7):
        await transfer(samples[f"A{col}:H{col}"], dilutions[f"A{col}:H{col}"], 40)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    plt_car[1] = dilutions = cor_96_wellplate_360uL_Fb(name="dilutions")
    lh.deck.assign_child_resource(plt_car, rails=8)
    samples.set_well_volumes([50] * 96)
    dilutions.set_well_volumes([160] * 96)
    return {"lh": lh, "tips": tips, "samples": samples, "dilutions": dilutions}
