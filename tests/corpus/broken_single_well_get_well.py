"""Mistake: ``plate.get_well("B2")`` (one Well) passed as ``resources``, which must be a list.

PLR raises ``TypeError: 'Well' object is not iterable``; ``plate["B2"]`` or
``[plate.get_well("B2")]`` is what the call needs.
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


async def spike_control(lh: LiquidHandler, tips: TipRack, controls: Plate, assay: Plate):
    control = controls.get_well("B2")
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(control, vols=[10])
    await lh.dispense(assay["A1"], vols=[10])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = controls = cor_96_wellplate_360uL_Fb(name="controls")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    controls.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "controls": controls, "assay": assay}
