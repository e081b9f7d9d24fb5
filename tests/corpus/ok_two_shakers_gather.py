"""Two heater shakers at once: both plates go on, both shake together for the same time
(``asyncio.gather`` of the two ``shake`` calls, each locking and unlocking its own plate),
and both plates go home.
"""
import asyncio

from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def shake_two(lh: LiquidHandler, plate_a: Plate, plate_b: Plate, hs1: HeaterShaker,
                    hs2: HeaterShaker, seconds: float = 300):
    home_a, home_b = plate_a.parent, plate_b.parent
    await lh.move_plate(plate_a, hs1)
    await lh.move_plate(plate_b, hs2)
    await asyncio.gather(hs1.shake(speed=1000, duration=seconds),
                         hs2.shake(speed=800, duration=seconds))
    await lh.move_plate(plate_a, home_a)
    await lh.move_plate(plate_b, home_b)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate_a = cor_96_wellplate_360uL_Fb(name="plate_a")
    plate_car[1] = plate_b = cor_96_wellplate_360uL_Fb(name="plate_b")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hs1 = HeaterShaker(name="hs1", size_x=147, size_y=104, size_z=116,
                       backend=HeaterShakerChatterboxBackend(),
                       child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs1, location=Coordinate(1030, 0, 0))
    hs2 = HeaterShaker(name="hs2", size_x=147, size_y=104, size_z=116,
                       backend=HeaterShakerChatterboxBackend(),
                       child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs2, location=Coordinate(1030, 150, 0))
    return {"lh": lh, "plate_a": plate_a, "plate_b": plate_b, "hs1": hs1, "hs2": hs2}
