"""OD600 growth curve: a culture plate incubates at 37 °C on a heater shaker and is read
every half hour, eight times; the protocol stops early once the culture is dense.

``read_absorbance`` returns the chatterbox's readings (0.0 per well), so on PLR's own run
the loop goes to the end; the readings are the protocol's result.
"""
import asyncio

from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
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


async def growth_curve(lh: LiquidHandler, culture: Plate, hs: HeaterShaker,
                       reader: PlateReader, reads: int = 8, interval_s: float = 1800,
                       target_od: float = 0.8):
    curve = []
    await hs.set_temperature(37)
    await hs.wait_for_temperature()
    for _ in range(reads):
        await lh.move_plate(culture, reader)
        data = await reader.read_absorbance(wavelength=600)
        curve.append(sum(sum(row) for row in data) / 96)
        await lh.move_plate(culture, hs)
        if curve[-1] >= target_od:
            break
        await hs.shake(speed=300, duration=interval_s - 60)
        await asyncio.sleep(60)  # let the plate settle before the next read
    await hs.deactivate()
    return curve


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = culture = cor_96_wellplate_360uL_Fb(name="culture")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hs = HeaterShaker(name="hs", size_x=147, size_y=104, size_z=116,
                      backend=HeaterShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs, location=Coordinate(1030, 0, 0))
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    return {"lh": lh, "culture": culture, "hs": hs, "reader": reader}
