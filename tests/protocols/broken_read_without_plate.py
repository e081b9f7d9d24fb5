"""The absorbance is read before the plate is moved into the reader (PLR: NoPlateError)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb


async def read_plate(lh: LiquidHandler, plate: Plate, reader: PlateReader):
    data = await reader.read_absorbance(wavelength=600)
    await lh.move_plate(plate, reader)
    return data


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "plate": plate, "reader": reader}
