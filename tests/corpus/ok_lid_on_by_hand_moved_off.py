"""A plate covered by hand at once (``bare.lid = ...``, a new lid) and uncovered with the
handler before the reagent goes in (``lh.move_lid(bare.lid, ...)``): ``bare.lid`` is the lid
put on by hand, so the dispense meets no lid and PLR completes.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    PlateCarrier,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)
from pylabrobot.resources.corning.plates import cor_96_wellplate_360uL_Fb_lid


async def cover_then_fill(lh: LiquidHandler, tips: TipRack, reagent: Trough, lidded: Plate,
                          bare: Plate, plate_car: PlateCarrier):
    bare.lid = cor_96_wellplate_360uL_Fb_lid("bare_lid")
    await lh.move_lid(bare.lid, plate_car[2])
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate([reagent] * 8, vols=[40] * 8)
    await lh.dispense(bare["A1:H1"], vols=[40] * 8)


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
    return {"lh": lh, "tips": tips, "reagent": reagent, "lidded": lidded, "bare": bare,
            "plate_car": plate_car}
