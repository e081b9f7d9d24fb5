"""Cells fed where they stand: the plate sits on a heater shaker (placed there in the setup),
medium is dispensed into it in place, then it is shaken at 37 °C - no plate move at all.
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


async def feed_on_shaker(lh: LiquidHandler, tips: TipRack, medium: Trough, hs: HeaterShaker,
                         volume: float = 80):
    plate = hs.children[0]
    await hs.set_temperature(37)
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, plate.num_items_x + 1):
        await lh.aspirate([medium] * 8, vols=[volume] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()
    await hs.shake(speed=400, duration=120)
    await hs.deactivate()


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
