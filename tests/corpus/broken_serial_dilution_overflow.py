"""Mistake: a serial dilution whose transfer volume was doubled but not the well's headroom:
200 µL of diluent plus 200 µL transferred overflows a 360 µL well.

PLR raises ``TooLittleVolumeError: Not enough space in container`` at the first dispense
of the series.
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
    hamilton_1_trough_200mL_Vb,
    hamilton_96_tiprack_1000uL_filter,
)


async def dilution_series(lh: LiquidHandler, tips: TipRack, diluent: Trough, plate: Plate,
                          volume: float = 200):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(2, 7):
        await lh.aspirate([diluent] * 8, vols=[volume] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()
    for col in range(1, 6):
        await lh.pick_up_tips(tips[f"A{col + 1}:H{col + 1}"])
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(plate[f"A{col + 1}:H{col + 1}"], vols=[volume] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = diluent = hamilton_1_trough_200mL_Vb(name="diluent")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    diluent.tracker.set_volume(150_000)
    plate.set_well_volumes([300] * 8 + [0] * 88)
    return {"lh": lh, "tips": tips, "diluent": diluent, "plate": plate}
