"""The setup hands over a half-used rack: columns 1-6 are empty."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_1000uL_filter)


async def used_rack(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A7:H7"])
    await lh.discard_tips()
    await lh.pick_up_tips(tips["A3:H3"])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    tips.set_tip_state([col > 6 for col in range(1, 13) for _ in range(8)])
    return {"lh": lh, "tips": tips, "plate": plate}
