"""Mistake: ``read_fluorescence(excitation=485, emission=528, ...)``: PLR 0.2.2 names them
``excitation_wavelength`` and ``emission_wavelength``; the unknown keywords go to
``**backend_kwargs`` and the call is a ``TypeError`` (missing 2 required arguments).
"""
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


async def gfp_readout(lh: LiquidHandler, tips: TipRack, dye: Trough, plate: Plate,
                      reader: PlateReader, columns: int = 2):
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate([dye] * 8, vols=[40] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[40] * 8)
        await lh.discard_tips()
    await lh.move_plate(plate, reader)
    return await reader.read_fluorescence(excitation=485, emission=528, focal_height=9.0)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = dye = hamilton_1_trough_200ml_Vb(name="dye")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    dye.tracker.set_volume(20_000)
    return {"lh": lh, "tips": tips, "dye": dye, "plate": plate, "reader": reader}
