"""Mistake: the plate is taken off the tilt module while it still stands at 10 degrees (the
module is set flat only afterwards). PLR moves it (its tilter keeps no plate from leaving):
praxis_lab's own check, ``device_state`` at the move, as the gripper would meet a tilted
plate with liquid run to one side.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
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
from pylabrobot.tilting import Tilter
from pylabrobot.tilting.hamilton_backend import HamiltonTiltModuleChatterboxBackend


async def drain(lh: LiquidHandler, tips: TipRack, plate: Plate, waste: Trough, tilter: Tilter,
                angle: float = 10, columns: int = 3):
    home = plate.parent
    await lh.move_plate(plate, tilter)
    await tilter.set_angle(angle)
    for col in range(1, columns + 1):
        wells = plate[f"A{col}:H{col}"]
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(wells, vols=[180] * 8)
        await lh.dispense([waste] * 8, vols=[180] * 8)
        await lh.discard_tips()
    await lh.move_plate(plate, home)
    await tilter.set_angle(0)


def _tilt_module_backend():
    return HamiltonTiltModuleChatterboxBackend.__new__(HamiltonTiltModuleChatterboxBackend)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = waste = hamilton_1_trough_200ml_Vb(name="waste")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    tilter = Tilter(name="tilter", size_x=132, size_y=92.57, size_z=85.81,
                    backend=_tilt_module_backend(), hinge_coordinate=Coordinate(6.18, 0, 72.85),
                    child_location=Coordinate(1, 3, 83.55))
    lh.deck.assign_child_resource(tilter, location=Coordinate(1030, 0, 0))
    plate.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "plate": plate, "waste": waste, "tilter": tilter}
