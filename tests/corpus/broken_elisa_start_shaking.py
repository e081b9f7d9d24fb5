"""Mistake: ``hs.start_shaking(...)`` (a backend method's name, as in other libraries): PLR
0.2.2's ``HeaterShaker`` has ``shake(speed, duration)``, so the call is an
``AttributeError``.
"""
import asyncio

from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)


async def add(lh, tips, tip_col, source, plate, col, volume):
    await lh.pick_up_tips(tips[f"A{tip_col}:H{tip_col}"])
    await lh.aspirate([source] * 8, vols=[volume] * 8)
    await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()


async def elisa_readout(lh: LiquidHandler, tips: TipRack, plate: Plate, substrate: Trough,
                        stop: Trough, hs: HeaterShaker, reader: PlateReader,
                        incubation_s: float = 900):
    home = plate.parent
    for col in range(1, 7):
        await add(lh, tips, col, substrate, plate, col, 100)
    await hs.set_temperature(37)
    await lh.move_plate(plate, hs)
    await hs.start_shaking(speed=600)
    await asyncio.sleep(incubation_s)
    await hs.stop_shaking()
    await hs.unlock_plate()
    await lh.move_plate(plate, home)
    for col in range(1, 7):
        await add(lh, tips, col + 6, stop, plate, col, 50)
    await lh.move_plate(plate, reader)
    result = await reader.read_absorbance(wavelength=450, use_new_return_type=True)
    return result[0]["data"]


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = substrate = hamilton_1_trough_200ml_Vb(name="substrate")
    trough_car[1] = stop = hamilton_1_trough_200ml_Vb(name="stop")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hs = HeaterShaker(name="hs", size_x=147, size_y=104, size_z=116,
                      backend=HeaterShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs, location=Coordinate(1030, 0, 0))
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    substrate.tracker.set_volume(60_000)
    stop.tracker.set_volume(30_000)
    return {"lh": lh, "tips": tips, "plate": plate, "substrate": substrate, "stop": stop,
            "hs": hs, "reader": reader}
