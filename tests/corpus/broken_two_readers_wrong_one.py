"""Mistake: two plate readers of the same kind; the plate is moved into the luminescence
reader, but the luminescence read is sent to the absorbance reader (a copy-paste of the
line above), which is empty now: PLR's ``get_plate()`` raises ``NoPlateError``.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    PlateCarrier,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def dual_read(lh: LiquidHandler, plate: Plate, plate_car: PlateCarrier,
                    absorbance_reader: PlateReader, luminescence_reader: PlateReader):
    home = plate.parent
    await lh.move_lid(plate.lid, plate_car[1])
    await lh.move_plate(plate, absorbance_reader)
    od = await absorbance_reader.read_absorbance(wavelength=600, use_new_return_type=True)
    await lh.move_plate(plate, luminescence_reader)
    lum = await absorbance_reader.read_luminescence(focal_height=4.5,
                                                    use_new_return_type=True)
    await lh.move_plate(plate, home)
    await lh.move_lid(plate_car[1].resource, plate)
    return od[0]["data"], lum[0]["data"]


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate", with_lid=True)
    lh.deck.assign_child_resource(plate_car, rails=14)
    absorbance_reader = PlateReader(name="absorbance_reader", size_x=170, size_y=125,
                                    size_z=120, backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(absorbance_reader, location=Coordinate(1030, 0, 0))
    luminescence_reader = PlateReader(name="luminescence_reader", size_x=170, size_y=125,
                                      size_z=120, backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(luminescence_reader, location=Coordinate(1030, 150, 0))
    plate.set_well_volumes([100] * 96)
    return {"lh": lh, "plate": plate, "plate_car": plate_car,
            "absorbance_reader": absorbance_reader, "luminescence_reader": luminescence_reader}
