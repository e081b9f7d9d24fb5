"""Returned tips are back in their spots: the same column is picked up three times."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_1000uL_filter)


async def reuse(lh: LiquidHandler, tips: TipRack, plate: Plate):
    for rep in range(3):
        await lh.pick_up_tips(tips["A1:H1"])
        await lh.aspirate(plate["A1:H1"], vols=[10] * 8)
        await lh.dispense(plate[f"A{rep + 2}:H{rep + 2}"], vols=[10] * 8)
        await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    for well in plate["A1:H1"]:
        well.tracker.set_volume(30)
    return {"lh": lh, "tips": tips, "plate": plate}
