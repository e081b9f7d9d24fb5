"""A plate reader the protocol finds on the deck by name (``lh.deck.get_resource``), as deck
files built once for a workcell do: only the handler and the plate are parameters.

While simulated, the reader found this way is answered like a parameter: its calls are
recorded and checked, its backend never runs.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def read_twice(lh: LiquidHandler, plate: Plate):
    reader = lh.deck.get_resource("reader")
    home = plate.parent
    await lh.move_plate(plate, reader)
    first = await reader.read_absorbance(wavelength=600)
    second = await reader.read_absorbance(wavelength=450)
    await lh.move_plate(plate, home)
    return first, second


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "plate": plate}
