"""A plate fill with an optional control (``add_control: bool = False``): off by default, the
protocol is fine; switched on, the control's top-up lands in the wells already filled and
overflows them. The bool forks like a number: the overflow is reported on the other branch
(``when add_control``), not on the default path.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def fill_with_control(lh: LiquidHandler, tips: TipRack, buffer: Plate, assay: Plate,
                            volume: float = 200, add_control: bool = False):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(buffer["A1:H1"], vols=[volume] * 8)
    await lh.dispense(assay["A1:H1"], vols=[volume] * 8)
    if add_control:
        await lh.aspirate(buffer["A2:H2"], vols=[volume] * 8)
        await lh.dispense(assay["A1:H1"], vols=[volume] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = buffer = cor_96_wellplate_360uL_Fb(name="buffer")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    buffer.set_well_volumes([250] * 96)
    return {"lh": lh, "tips": tips, "buffer": buffer, "assay": assay}
