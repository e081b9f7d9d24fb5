"""``use_channels`` in every form: out of order ``[2, 0, 1]``, sparse ``[0, 3, 7]`` and one channel.

Channel 2 takes A1, channel 0 takes B1 and channel 1 takes C1 - the wells follow the
order of the list, not the channel numbers; then a sparse set, then channel 5 alone.
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


async def channel_choices(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):
    await lh.pick_up_tips(tips["A1:C1"], use_channels=[2, 0, 1])
    await lh.aspirate(src["A1:C1"], vols=[10, 20, 30], use_channels=[2, 0, 1])
    await lh.dispense(dst["A1:C1"], vols=[10, 20, 30], use_channels=[2, 0, 1])
    await lh.discard_tips()

    await lh.pick_up_tips(tips["A2", "D2", "H2"], use_channels=[0, 3, 7])
    await lh.aspirate(src["A2", "D2", "H2"], vols=[15] * 3, use_channels=[0, 3, 7])
    await lh.dispense(dst["A2", "D2", "H2"], vols=[15] * 3, use_channels=[0, 3, 7])
    await lh.return_tips(use_channels=[0, 3, 7])

    await lh.pick_up_tips(tips["E3"], use_channels=[5])
    await lh.aspirate(src["E3"], vols=[40], use_channels=[5])
    await lh.dispense(dst["E3"], vols=[40], use_channels=[5])
    await lh.drop_tips(tips["E3"], use_channels=[5])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
    plt_car[1] = dst = cor_96_wellplate_360uL_Fb(name="dst")
    lh.deck.assign_child_resource(plt_car, rails=8)
    src.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "src": src, "dst": dst}
