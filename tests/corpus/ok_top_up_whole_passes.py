"""A plate topped up to ``total`` µL per well in whole passes of 50 µL:
``range(int(total / 50))``. The wells already hold 100 µL (360 µL at most): with the default
(150) three passes run and PLR completes; from 300 on the sixth dispense overfills the
wells (PLR's ``TooLittleVolumeError``): ``total >= 300``, said on the float parameter.
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


async def top_up(lh: LiquidHandler, tips: TipRack, stock: Plate, plate: Plate,
                 total: float = 150):
    await lh.pick_up_tips(tips["A1:H1"])
    for _ in range(int(total / 50)):
        await lh.aspirate(stock["A1:H1"], vols=[50] * 8)
        await lh.dispense(plate["A1:H1"], vols=[50] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = stock = cor_96_wellplate_360uL_Fb(name="stock")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    stock.set_well_volumes([360] * 96)
    plate.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "stock": stock, "plate": plate}
