"""The tip rack is made in the setup but never placed on the deck."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, Plate, STARLetDeck, TipRack,
                                  cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter)


async def off_deck(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[10] * 8)
    await lh.dispense(plate["A2:H2"], vols=[10] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
