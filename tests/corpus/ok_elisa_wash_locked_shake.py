"""ELISA with a wash between two reads: the plate is read at 450 nm, shaken on a heater
shaker whose plate lock is closed and opened by hand (``lock_plate`` / ``unlock_plate``
around an open-ended ``shake`` stopped after a sleep), washed on the deck, and read again.
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


async def elisa_wash(lh: LiquidHandler, tips: TipRack, plate: Plate, wash: Trough,
                     hs: HeaterShaker, reader: PlateReader, shake_s: float = 300):
    home = plate.parent
    await lh.move_plate(plate, reader)
    first = await reader.read_absorbance(wavelength=450)
    await lh.move_plate(plate, hs)
    await hs.lock_plate()
    await hs.shake(speed=800)
    await asyncio.sleep(shake_s)
    await hs.stop_shaking()
    await hs.unlock_plate()
    await lh.move_plate(plate, home)
    for col in range(1, 4):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate([wash] * 8, vols=[150] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[150] * 8)
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[150] * 8)
        await lh.discard_tips()
    await lh.move_plate(plate, reader)
    second = await reader.read_absorbance(wavelength=450)
    return first, second


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = wash = hamilton_1_trough_200ml_Vb(name="wash")
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
    wash.tracker.set_volume(50_000)
    return {"lh": lh, "tips": tips, "plate": plate, "wash": wash, "hs": hs,
            "reader": reader}
