"""300 µL and 50 µL tip racks, each volume within what its tips hold."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_50uL,
                                  hamilton_96_tiprack_300uL)


async def small(lh: LiquidHandler, big_tips: TipRack, small_tips: TipRack, plate: Plate):
    await lh.pick_up_tips(big_tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[250] * 8)
    await lh.dispense(plate["A2:H2"], vols=[250] * 8)
    await lh.drop_tips(big_tips["A1:H1"])
    await lh.pick_up_tips(small_tips["A1:H1"])
    await lh.aspirate(plate["A2:H2"], vols=[40] * 8)
    await lh.aspirate(plate["A2:H2"], vols=[25] * 8)
    await lh.dispense(plate["A3:H3"], vols=[65] * 8)
    await lh.drop_tips(small_tips["A1:H1"])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = big_tips = hamilton_96_tiprack_300uL(name="big_tips")
    tip_car[1] = small_tips = hamilton_96_tiprack_50uL(name="small_tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    for well in plate["A1:H1"]:
        well.tracker.set_volume(300)
    return {"lh": lh, "big_tips": big_tips, "small_tips": small_tips, "plate": plate}
