"""Mistake: ``shaker.shake(rpm=1200, duration=60)``: PLR 0.2.2's ``shake`` takes ``speed``;
``rpm`` goes to ``**backend_kwargs`` and the call is a ``TypeError`` (missing 'speed').
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    Plate,
    PlateCarrier,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)
from pylabrobot.shaking import Shaker, ShakerChatterboxBackend


async def add_and_mix(lh: LiquidHandler, tips: TipRack, reagent: Trough, plate: Plate,
                      plate_car: PlateCarrier, shaker: Shaker, rpm: int = 1200,
                      seconds: float = 60):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, 13):
        await lh.aspirate([reagent] * 8, vols=[25] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[25] * 8)
    await lh.discard_tips()
    await lh.move_plate(plate, shaker)
    await shaker.shake(rpm=rpm, duration=seconds)
    await lh.move_plate(plate, plate_car[0])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = reagent = hamilton_1_trough_200ml_Vb(name="reagent")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    shaker = Shaker(name="shaker", size_x=147, size_y=104, size_z=116,
                    backend=ShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(shaker, location=Coordinate(1030, 120, 0))
    reagent.tracker.set_volume(10_000)
    return {"lh": lh, "tips": tips, "reagent": reagent, "plate": plate, "plate_car": plate_car,
            "shaker": shaker}
