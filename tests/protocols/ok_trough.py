"""Fill a plate column by column from a trough with 8 channels (at most the plate's 12
columns, which the trough holds enough for)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck,
                                  TipRack, Trough, Trough_CAR_4R200_A00,
                                  cor_96_wellplate_360uL_Fb, hamilton_1_trough_200ml_Vb,
                                  hamilton_96_tiprack_1000uL_filter)


async def fill(lh: LiquidHandler, tips: TipRack, trough: Trough, plate: Plate,
               columns: int = 4):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, min(columns, 12) + 1):
        await lh.aspirate([trough] * 8, vols=[200] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[200] * 8)
    await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = trough = hamilton_1_trough_200ml_Vb(name="trough")
    lh.deck.assign_child_resource(trough_car, rails=15)
    trough.tracker.set_volume(20_000)
    return {"lh": lh, "tips": tips, "trough": trough, "plate": plate}
