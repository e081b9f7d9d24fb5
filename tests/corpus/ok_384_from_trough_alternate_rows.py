"""A 384-well plate filled from a trough, eight channels at a time.

Eight channels span every other row of a 384 plate (9 mm pitch, 4.5 mm wells): rows
A,C,...,O then B,D,...,P of each column (``plate.column(i)[0::2]``), the eight channels
side by side in one trough.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    biorad_384_wellplate_50uL_Vb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_50uL,
)


async def fill_384(lh: LiquidHandler, tips: TipRack, reagent: Trough, plate: Plate,
                   columns: int = 3):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(columns):
        wells = plate.column(col)
        for half in (wells[0::2], wells[1::2]):
            await lh.aspirate([reagent] * 8, vols=[10] * 8)
            await lh.dispense(half, vols=[10] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = reagent = hamilton_1_trough_200ml_Vb(name="reagent")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = biorad_384_wellplate_50uL_Vb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    reagent.tracker.set_liquids([(None, 20000)])
    return {"lh": lh, "tips": tips, "reagent": reagent, "plate": plate}
