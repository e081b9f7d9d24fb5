"""Three reagents in three troughs of one carrier, looked up by name from a recipe dict:
lysis, binding and wash buffers go into each column in turn with one set of tips per
reagent (the tips are shared across columns, only within a reagent).
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Cor_96_wellplate_360ul_Fb,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)

RECIPE = {"lysis": 60.0, "binding": 40.0, "wash": 100.0}


async def add_reagents(lh: LiquidHandler, tips: TipRack, lysis: Trough, binding: Trough,
                       wash: Trough, plate: Plate, columns: int = 6):
    troughs = {"lysis": lysis, "binding": binding, "wash": wash}
    for tip_col, (reagent, volume) in enumerate(RECIPE.items(), start=1):
        await lh.pick_up_tips(tips[f"A{tip_col}:H{tip_col}"])
        for col in range(1, columns + 1):
            await lh.aspirate([troughs[reagent]] * 8, vols=[volume] * 8)
            await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()
        print(f"{reagent}: {volume} µL into {columns} columns")


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = lysis = hamilton_1_trough_200ml_Vb(name="lysis")
    trough_car[1] = binding = hamilton_1_trough_200ml_Vb(name="binding")
    trough_car[2] = wash = hamilton_1_trough_200ml_Vb(name="wash")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = Cor_96_wellplate_360ul_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    for trough in (lysis, binding, wash):
        trough.tracker.set_volume(30_000)
    return {"lh": lh, "tips": tips, "lysis": lysis, "binding": binding, "wash": wash,
            "plate": plate}
