"""Mistake: an empty plate left on the shaker from the previous run: moving the assay plate
onto it is PLR's ``RuntimeError: Cannot drop resource plate onto resource holder shaker
while it already has a resource``.
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
from pylabrobot.shaking import Shaker, ShakerChatterboxBackend
from pylabrobot.tilting import Tilter
from pylabrobot.tilting.hamilton_backend import HamiltonTiltModuleChatterboxBackend


async def wash_and_read(lh: LiquidHandler, tips: TipRack, plate: Plate, substrate: Trough,
                        waste: Trough, tilter: Tilter, shaker: Shaker, reader: PlateReader,
                        tilt_deg: float = 5):
    # (the previous run's plate is still on the shaker)
    await lh.move_plate(plate, tilter)
    await tilter.set_angle(tilt_deg)
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, 4):
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[150] * 8)
        await lh.dispense([waste] * 8, vols=[150] * 8)
    await tilter.set_angle(0)
    for col in range(1, 4):
        await lh.aspirate([substrate] * 8, vols=[100] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[100] * 8)
    await lh.discard_tips()
    await lh.move_plate(plate, shaker)
    await shaker.shake(speed=500, duration=120)
    await lh.move_plate(plate, reader)
    return await reader.read_luminescence(focal_height=13)


def _tilt_module_backend():
    return HamiltonTiltModuleChatterboxBackend.__new__(HamiltonTiltModuleChatterboxBackend)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = substrate = hamilton_1_trough_200ml_Vb(name="substrate")
    trough_car[1] = waste = hamilton_1_trough_200ml_Vb(name="waste")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    tilter = Tilter(name="tilter", size_x=132, size_y=92.57, size_z=85.81,
                    backend=_tilt_module_backend(), hinge_coordinate=Coordinate(6.18, 0, 72.85),
                    child_location=Coordinate(1, 3, 83.55))
    lh.deck.assign_child_resource(tilter, location=Coordinate(1030, 0, 0))
    shaker = Shaker(name="shaker", size_x=147, size_y=104, size_z=116,
                    backend=ShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(shaker, location=Coordinate(1030, 120, 0))
    shaker.assign_child_resource(cor_96_wellplate_360uL_Fb(name="previous_run"))
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 250, 0))
    substrate.tracker.set_volume(50_000)
    plate.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "plate": plate, "substrate": substrate, "waste": waste,
            "tilter": tilter, "shaker": shaker, "reader": reader}
