"""A 384-well plate filled quadrant by quadrant with the 8 channels: in each quadrant every
other row (A, C, ... O or B, D, ... P) is one column of eight wells, taken from
``get_quadrant`` in column order and cut in blocks of eight.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    BioRad_384_wellplate_50uL_Vb,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)

QUADRANTS = ("tl", "tr", "bl", "br")
COLUMNS_PER_QUADRANT = 3  # of the quadrant's twelve columns of eight wells


async def fill_by_quadrant(lh: LiquidHandler, tips: TipRack, buffer: Trough, plate384: Plate,
                           volume: float = 20):
    for q, quadrant in enumerate(QUADRANTS):
        wells = plate384.get_quadrant(quadrant)
        await lh.pick_up_tips(tips[f"A{q + 1}:H{q + 1}"])
        for c in range(COLUMNS_PER_QUADRANT):
            block = wells[8 * c: 8 * c + 8]
            await lh.aspirate([buffer] * 8, vols=[volume] * 8)
            await lh.dispense(block, vols=[volume] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = buffer = hamilton_1_trough_200ml_Vb(name="buffer")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate384 = BioRad_384_wellplate_50uL_Vb(name="plate384")
    lh.deck.assign_child_resource(plt_car, rails=14)
    buffer.tracker.set_volume(20_000)
    return {"lh": lh, "tips": tips, "buffer": buffer, "plate384": plate384}
