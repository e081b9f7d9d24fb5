"""lh.transfer from one well to a column, with ratios (PLR defaults for the rest)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_1000uL_filter)


async def spread(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.transfer(plate.get_item("A1"), plate["A2:D2"], source_vol=80)
    await lh.transfer(plate.get_item("B1"), plate["A3:B3"], source_vol=90, ratios=[2, 1])
    await lh.drop_tips(tips["A1"])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.get_item("A1").tracker.set_volume(100)
    plate.get_item("B1").tracker.set_volume(90)
    return {"lh": lh, "tips": tips, "plate": plate}
