"""DNA normalisation from a sample sheet of dataclasses: each sample is brought to 10 ng/µL
in 50 µL, the sample and water volumes computed from its measured concentration
(``C1·V1 = C2·V2``), rounded to 0.1 µL; water first, then sample, one tip each.
"""
from dataclasses import dataclass

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


@dataclass
class Sample:
    well: str
    ng_per_ul: float


SHEET = [Sample("A1", 42.0), Sample("B1", 18.5), Sample("C1", 77.2), Sample("D1", 10.0),
         Sample("E1", 25.3)]


def volumes(sample, target=10.0, final=50.0):
    v_sample = round(target * final / sample.ng_per_ul, 1)
    return v_sample, round(final - v_sample, 1)


async def normalise(lh: LiquidHandler, tips: TipRack, water: Trough, stock: Plate,
                    norm: Plate):
    spots = iter(tips.get_all_items())
    for sample in SHEET:
        v_sample, v_water = volumes(sample)
        if v_water > 0:
            await lh.pick_up_tips([next(spots)])
            await lh.aspirate([water], vols=[v_water])
            await lh.dispense([norm.get_item(sample.well)], vols=[v_water])
            await lh.discard_tips()
        await lh.pick_up_tips([next(spots)])
        await lh.aspirate([stock.get_item(sample.well)], vols=[v_sample])
        await lh.dispense([norm.get_item(sample.well)], vols=[v_sample])
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
    stock.set_well_volumes([60] * 96)
    return {"lh": lh, "tips": tips, "water": water, "stock": stock, "norm": norm}
