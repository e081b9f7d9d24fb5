"""Mistake: inside ``with lh.use_channels([0, 1]):`` a whole column (8 spots) is picked up.

The block sets the default channels to two; eight spots for two channels makes PLR
raise ``AssertionError: Number of tips and offsets and use_channels must be equal.``
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def two_channel_block(lh: LiquidHandler, tips: TipRack, plate: Plate):
    with lh.use_channels([0, 1]):
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(plate["A1:B1"], vols=[20, 20])
        await lh.dispense(plate["A2:B2"], vols=[20, 20])
        await lh.discard_tips()
        await lh.pick_up_tips(tips["A2:H2"])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
