"""``with lh.use_channels([4, 5, 6, 7]):`` - the back four channels as the default for a block.

Inside the block every op without ``use_channels`` goes to channels 4-7; after it, the
default is channels 0.. again.
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


async def back_channels(lh: LiquidHandler, tips: TipRack, plate: Plate):
    with lh.use_channels([4, 5, 6, 7]):
        await lh.pick_up_tips(tips["E1:H1"])
        await lh.aspirate(plate["E1:H1"], vols=[25] * 4)
        await lh.dispense(plate["E2:H2"], vols=[25] * 4)
        await lh.return_tips()
    await lh.pick_up_tips(tips["A1:D1"])
    await lh.aspirate(plate["A1:D1"], vols=[25] * 4)
    await lh.dispense(plate["A2:D2"], vols=[25] * 4)
    await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.set_well_volumes([100] * 8 + [0] * 88)
    return {"lh": lh, "tips": tips, "plate": plate}
