"""Mistake: ``use_channels=[3]`` given to ``lh.transfer``.

Only channel 3 holds a tip, so the script asks ``transfer`` to use it. ``transfer`` has no
``use_channels``: the keyword goes on (``**backend_kwargs``) to its aspirate, which does
use channel 3, and to each dispense, which ``transfer`` already gives ``use_channels=[0]``:
PLR 0.2.2 raises ``TypeError`` (multiple values for ``use_channels``).
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


async def master_mix_on_channel_four(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["D1"], use_channels=[3])
    await lh.transfer(source["A1"][0], dest["A1:A3"], source_vol=90, use_channels=[3])
    await lh.discard_tips()


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

