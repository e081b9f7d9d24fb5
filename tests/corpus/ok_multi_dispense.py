"""Multi-dispense: each channel aspirates once for six wells and dispenses 30 µL six times
along its row (columns 1-6), then 7-12 with a second fill; one set of tips throughout.
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


async def multi_dispense(lh: LiquidHandler, tips: TipRack, buffer: Trough, plate: Plate,
                         aliquot: float = 30, per_fill: int = 6):
    await lh.pick_up_tips(tips["A1:H1"])
    for start in (1, 1 + per_fill):
        await lh.aspirate([buffer] * 8, vols=[aliquot * per_fill] * 8)
        for col in range(start, start + per_fill):
            await lh.dispense(plate[f"A{col}:H{col}"], vols=[aliquot] * 8)
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
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    buffer.tracker.set_volume(50_000)
    return {"lh": lh, "tips": tips, "buffer": buffer, "plate": plate}
