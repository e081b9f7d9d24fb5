"""Mistake: the lid of one plate is put on another by hand while it is still on the deck
(``bare.assign_child_resource(lidded.lid)``): PLR's deck refuses a second resource of that
name, ``ValueError: Resource 'lidded_lid' already assigned to deck``; it should be moved with
``lh.move_lid`` (or taken off with ``unassign()`` first).
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
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)


async def swap_lid(lh: LiquidHandler, tips: TipRack, reagent: Trough, lidded: Plate,
                   bare: Plate, volume: float = 40):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate([reagent] * 8, vols=[volume] * 8)
    await lh.dispense(bare["A1:H1"], vols=[volume] * 8)
    await lh.discard_tips()
    bare.assign_child_resource(lidded.lid)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = reagent = hamilton_1_trough_200ml_Vb(name="reagent")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = lidded = cor_96_wellplate_360uL_Fb(name="lidded", with_lid=True)
    plate_car[1] = bare = cor_96_wellplate_360uL_Fb(name="bare")
    lh.deck.assign_child_resource(plate_car, rails=14)
    reagent.tracker.set_volume(10_000)
    return {"lh": lh, "tips": tips, "reagent": reagent, "lidded": lidded, "bare": bare}
