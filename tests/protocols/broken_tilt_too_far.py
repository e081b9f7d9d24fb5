"""A Hamilton tilt module set to 12 degrees; its backend asserts 0 to 10 (PLR:
AssertionError; PLR's tilt-module chatterbox runs the check, built without its serial
port)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb
from pylabrobot.tilting import Tilter
from pylabrobot.tilting.hamilton_backend import HamiltonTiltModuleChatterboxBackend


async def drain(lh: LiquidHandler, plate: Plate, tilter: Tilter):
    await lh.move_plate(plate, tilter)
    await tilter.set_angle(12)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    backend = HamiltonTiltModuleChatterboxBackend.__new__(HamiltonTiltModuleChatterboxBackend)
    tilter = Tilter(name="tilter", size_x=132, size_y=92.57, size_z=85.81, backend=backend,
                    hinge_coordinate=Coordinate(6.18, 0, 72.85),
                    child_location=Coordinate(1, 3, 83.55))
    lh.deck.assign_child_resource(tilter, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "plate": plate, "tilter": tilter}
