"""A plate read after asking the reader whether it already holds one: ``get_plate()`` raises
PLR's ``NoPlateError`` on an empty reader, and the ``except`` moves the plate in first.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.plate_reading.standard import NoPlateError
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def read_once(lh: LiquidHandler, assay: Plate, reader: PlateReader):
    try:
        loaded = reader.get_plate()
    except NoPlateError:
        await reader.open()
        await lh.move_plate(assay, reader)
        await reader.close()
        loaded = assay
    print(f"reading {loaded.name}")
    return await reader.read_absorbance(wavelength=450)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    assay.set_well_volumes([200] * 96)
    return {"lh": lh, "assay": assay, "reader": reader}
