"""Mistake: the tips are returned while they still hold liquid (dispensed 90 of 100 µL).

A "leave a little behind" dispense followed by ``return_tips``; PLR raises
``RuntimeError: Cannot drop tip with volume 10.0``.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.liquid_handling.standard import Mix
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_1000uL_filter,
)


async def mix_and_move(lh: LiquidHandler, tr0: TipRack, plate: Plate):
    await lh.pick_up_tips(tr0["A1"])
    await lh.aspirate(plate["A1"], vols=[100], mix=[Mix(volume=50, repetitions=3, flow_rate=100)])
    await lh.dispense(plate["A2"], vols=[90])
    await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tiprack_1")
    tip_carrier[0] = tr0 = hamilton_96_tiprack_1000uL_filter(name="tiprack_1_0")
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    plate_carrier = PLT_CAR_L5AC_A00(name="plate_carrier_1")
    plate_carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate_1")
    lh.deck.assign_child_resource(plate_carrier, rails=10)
    plate.get_well("A1").tracker.set_volume(150)
    return {"lh": lh, "tr0": tr0, "plate": plate}
