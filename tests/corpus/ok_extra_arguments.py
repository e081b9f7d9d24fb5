"""Every optional argument people pass: ``Mix``, ``flow_rates``, ``liquid_height``, ``offsets``,
``blow_out_air_volume``, and keyword arguments that PLR hands to the backend.

Mixing before the aspiration and after the dispense, as in the mixing guide.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.liquid_handling.standard import Mix
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_1000uL_filter,
)


async def careful_transfer(lh: LiquidHandler, tr0: TipRack, plate: Plate):
    mix = Mix(volume=50, repetitions=3, flow_rate=100)
    await lh.pick_up_tips(tr0["A1:B1"], offsets=[Coordinate(0, 0, 0)] * 2)
    await lh.aspirate(plate["A1:B1"], vols=[100, 100], mix=[mix, mix],
                      flow_rates=[50.0, 50.0], liquid_height=[1.0, 1.0],
                      offsets=[Coordinate(x=0, y=0, z=0.5)] * 2,
                      blow_out_air_volume=[10, 10], swap_speed=2.0)
    await lh.dispense(plate["A2:B2"], vols=[100, 100], mix=[mix] * 2, flow_rates=[120.0, 120.0],
                      liquid_height=[2.0, 2.0], blow_out_air_volume=[10, 10])
    await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tiprack_1")
    tip_carrier[0] = tr0 = hamilton_96_tiprack_1000uL_filter(name="tiprack_1_0")
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    plate_carrier = PLT_CAR_L5AC_A00(name="plate_carrier_1")
    plate_carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate_1")
    lh.deck.assign_child_resource(plate_carrier, rails=10)
    plate.set_well_volumes([200] * 96)
    return {"lh": lh, "tr0": tr0, "plate": plate}
