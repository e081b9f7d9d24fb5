"""Mistake: channel 8 on an 8-channel head (channels are numbered 0-7): the protocol counts
channels from 1 in ``use_channels=[ch]`` and PLR raises at the pick-up.
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


async def one_by_one(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for ch, row in zip(range(1, 9), "ABCDEFGH", strict=True):
        await lh.pick_up_tips(tips[f"{row}1"], use_channels=[ch])
        await lh.aspirate(source[f"{row}1"], vols=[30], use_channels=[ch])
        await lh.dispense(dest[f"{row}1"], vols=[30], use_channels=[ch])
        await lh.discard_tips(use_channels=[ch])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

