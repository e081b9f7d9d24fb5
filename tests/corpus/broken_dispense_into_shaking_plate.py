"""Mistake: the shaker is started without a duration (``shake(speed=300)`` keeps shaking until
``stop_shaking()``) and medium is then dispensed into the plate on it. PLR pipettes all the
same (it never asks whether the plate under the tips moves): praxis_lab's own check,
``device_state`` at the dispense, fixed by stopping the shaker first.
"""
from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    Coordinate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)


async def feed_while_shaking(lh: LiquidHandler, tips: TipRack, medium: Trough, hs: HeaterShaker):
    plate = hs.children[0]
    await hs.lock_plate()
    await hs.shake(speed=300)
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate([medium] * 8, vols=[50] * 8)
    await lh.dispense(plate["A1:H1"], vols=[50] * 8)
    await lh.discard_tips()
    await hs.stop_shaking()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = medium = hamilton_1_trough_200ml_Vb(name="medium")
    lh.deck.assign_child_resource(trough_car, rails=8)
    hs = HeaterShaker(name="hs", size_x=147, size_y=104, size_z=116,
                      backend=HeaterShakerChatterboxBackend(), child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs, location=Coordinate(1030, 0, 0))
    hs.assign_child_resource(cor_96_wellplate_360uL_Fb(name="cells"))
    medium.tracker.set_volume(100_000)
    return {"lh": lh, "tips": tips, "medium": medium, "hs": hs}
