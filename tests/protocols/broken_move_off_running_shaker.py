"""shake() without a duration keeps shaking; the plate is taken off while it still shakes
(PLR moves it: praxis_lab's own check)."""
import asyncio

from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb


async def incubate(lh: LiquidHandler, plate: Plate, hs: HeaterShaker):
    home = plate.parent
    await lh.move_plate(plate, hs)
    await hs.shake(speed=800)
    await asyncio.sleep(600)
    await lh.move_plate(plate, home)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hs = HeaterShaker(name="hs", size_x=147, size_y=104, size_z=116,
                      backend=HeaterShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "plate": plate, "hs": hs}
