"""Mistake: a 96-well volume kept after switching to a 384-well plate.

``lh.transfer`` splits 320 uL of master mix over four wells of a BioRad 384 plate: 80 uL
each into wells that hold about 70 uL (50 uL nominal). PLR 0.2.2 raises
``TooLittleVolumeError`` at the transfer (its first dispense).
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    biorad_384_wellplate_50uL_Vb,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def split_mix(lh: LiquidHandler, tips: TipRack, mix: Plate, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.transfer(mix.get_well("A1"), plate.get_wells("A1:D1"), source_vol=320)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = mix = cor_96_wellplate_360uL_Fb(name="mix")
    plt_car[1] = plate = biorad_384_wellplate_50uL_Vb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    mix.set_well_volumes([350] * 96)
    return {"lh": lh, "tips": tips, "mix": mix, "plate": plate}
