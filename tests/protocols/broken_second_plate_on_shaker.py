"""Two plates shaken one after the other; the first is never taken off the shaker (PLR:
RuntimeError, the shaker already holds a plate)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb
from pylabrobot.shaking import Shaker, ShakerChatterboxBackend


async def shake_both(lh: LiquidHandler, first: Plate, second: Plate, shaker: Shaker):
    await lh.move_plate(first, shaker)
    await shaker.shake(speed=600, duration=300)
    await lh.move_plate(second, shaker)
    await shaker.shake(speed=600, duration=300)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = first = cor_96_wellplate_360uL_Fb(name="first")
    plate_car[1] = second = cor_96_wellplate_360uL_Fb(name="second")
    lh.deck.assign_child_resource(plate_car, rails=14)
    shaker = Shaker(name="shaker", size_x=147, size_y=104, size_z=116,
                    backend=ShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(shaker, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "first": first, "second": second, "shaker": shaker}
