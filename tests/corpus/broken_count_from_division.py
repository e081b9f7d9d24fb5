"""Mistake: the number of passes comes from a true division, ``total / per_pass`` (a float),
and ``range()`` takes only an int: PLR's run stops with Python's ``TypeError: 'float' object
cannot be interpreted as an integer`` before the first transfer. The report names the
expression and its value.
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
                 total: float = 150, per_pass: float = 50):
    await lh.pick_up_tips(tips["A1:H1"])
    passes = total / per_pass
    for _ in range(passes):
        await lh.aspirate(stock["A1:H1"], vols=[per_pass] * 8)
        await lh.dispense(plate["A1:H1"], vols=[per_pass] * 8)
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
    stock.set_well_volumes([300] * 96)
    return {"lh": lh, "tips": tips, "stock": stock, "plate": plate}
