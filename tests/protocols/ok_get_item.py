"""Pick wells by name with get_item / get_well and positional arguments."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_300uL)


async def pick_wells(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips([tips.get_item("C3")], [2])
    src = plate.get_item("B3")
    dst = plate.get_well("C4")
    await lh.aspirate([src], [120], [2])
    await lh.dispense([dst], [120], [2])
    await lh.return_tips()
    await lh.pick_up_tips([tips.get_item("C3")])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.get_item("B3").tracker.set_volume(200)
    return {"lh": lh, "tips": tips, "plate": plate}
