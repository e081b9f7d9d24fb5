"""The blank plate stays in the reader; the sample plate is moved in on top of it (PLR:
RuntimeError, the reader already holds a plate)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb


async def blank_then_sample(lh: LiquidHandler, blank: Plate, sample: Plate, reader: PlateReader):
    await lh.move_plate(blank, reader)
    background = await reader.read_absorbance(wavelength=450)
    await lh.move_plate(sample, reader)
    signal = await reader.read_absorbance(wavelength=450)
    return background, signal


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = blank = cor_96_wellplate_360uL_Fb(name="blank")
    plate_car[1] = sample = cor_96_wellplate_360uL_Fb(name="sample")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "blank": blank, "sample": sample, "reader": reader}
