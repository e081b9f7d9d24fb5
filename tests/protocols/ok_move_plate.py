"""move_plate to another carrier site, then pipette from the moved plate."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, PlateCarrier,
                                  STARLetDeck, TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_1000uL_filter)


async def relocate(lh: LiquidHandler, tips: TipRack, plate: Plate, carrier: PlateCarrier):
    await lh.move_plate(plate, carrier[2])
    await lh.pick_up_tips(tips["A1:B1"])
    await lh.aspirate(plate["A1:B1"], vols=[25, 25])
    await lh.dispense(plate["A2:B2"], vols=[25, 25])
    await lh.discard_tips()
    await lh.move_plate(plate, carrier[0])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    carrier = PLT_CAR_L5AC_A00(name="plt_car")
    carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(carrier, rails=8)
    plate.get_item("A1").tracker.set_volume(50)
    plate.get_item("B1").tracker.set_volume(50)
    return {"lh": lh, "tips": tips, "plate": plate, "carrier": carrier}
