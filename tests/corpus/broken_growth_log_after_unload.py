"""Mistake: the closing log line names the plate with ``reader.get_plate()`` after the plate
has left the reader: PLR's ``get_plate()`` raises ``NoPlateError`` there.
"""
import asyncio

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


async def growth_curve(lh: LiquidHandler, culture: Plate, reader: PlateReader,
                       reads: int = 12, interval_min: float = 10):
    home = culture.parent
    await reader.open()
    await lh.move_plate(culture, reader)
    await reader.close()
    assert reader.get_plate() is culture
    curve = []
    for _ in range(reads):
        data = await reader.read_absorbance(wavelength=600, wells=culture["A1:H1"],
                                            use_new_return_type=True)
        curve.append(data[0]["data"])
        await asyncio.sleep(interval_min * 60)
    await reader.open()
    await lh.move_plate(culture, home)
    await reader.close()
    print(f"growth curve of {reader.get_plate().name}: {len(curve)} reads")
    return curve


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = culture = cor_96_wellplate_360uL_Fb(name="culture")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    culture.set_well_volumes([200] * 96)
    return {"lh": lh, "culture": culture, "reader": reader}
