"""``async with lh.use_tips(...)`` and ``lh.transfer`` (one aspiration, several dispenses).

A master mix is distributed from one well to a row with ``transfer``'s ``target_vols``;
``use_tips`` picks the tip up on entry and returns it on exit.
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
    hamilton_96_tiprack_1000uL_filter,
)


async def distribute_master_mix(lh: LiquidHandler, tips: TipRack, mix_plate: Plate, pcr: Plate):
    async with lh.use_tips(tips["A1"], discard=False):
        await lh.transfer(mix_plate.get_well("A1"), pcr["A1:A6"], target_vols=[20.0] * 6)
    async with lh.use_tips(tips["B1"]):
        await lh.transfer(mix_plate.get_well("B1"), pcr["B1:B6"], source_vol=90,
                          ratios=[1, 1, 1, 2, 2, 2])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = mix_plate = cor_96_wellplate_360uL_Fb(name="mix_plate")
    plt_car[1] = pcr = cor_96_wellplate_360uL_Fb(name="pcr")
    lh.deck.assign_child_resource(plt_car, rails=8)
    mix_plate.get_well("A1").tracker.set_volume(150)
    mix_plate.get_well("B1").tracker.set_volume(100)
    return {"lh": lh, "tips": tips, "mix_plate": mix_plate, "pcr": pcr}
