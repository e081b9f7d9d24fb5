"""Mistake: normalisation where one sample is more dilute than the target, so the water
volume computed for it (``final - sample``) is negative; PLR 0.2.2 passes a negative volume on
without a word (its tracker even adds liquid for it): praxis_lab's own check, since no
pipette can move -12.5 µL.
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

CONCENTRATIONS = {"A1": 50.0, "B1": 20.0, "C1": 8.0}  # ng/µL


async def normalise(lh: LiquidHandler, tips: TipRack, water: Trough, stock: Plate, norm: Plate,
                    target: float = 10.0, final: float = 50.0):
    for n, (well, conc) in enumerate(CONCENTRATIONS.items()):
        v_sample = target * final / conc
        v_water = final - v_sample
        await lh.pick_up_tips([tips.get_item(n)])
        await lh.aspirate([water], vols=[v_water])
        await lh.dispense([norm.get_item(well)], vols=[v_water])
        await lh.aspirate([stock.get_item(well)], vols=[v_sample])
        await lh.dispense([norm.get_item(well)], vols=[v_sample])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = water = hamilton_1_trough_200ml_Vb(name="water")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = stock = cor_96_wellplate_360uL_Fb(name="stock")
    plt_car[1] = norm = cor_96_wellplate_360uL_Fb(name="norm")
    lh.deck.assign_child_resource(plt_car, rails=14)
    water.tracker.set_volume(10_000)
    stock.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "water": water, "stock": stock, "norm": norm}
