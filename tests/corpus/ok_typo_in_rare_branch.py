"""A typo in a branch the default run never takes: ``lh.dispence`` when ``premix`` is set.

With the defaults (``premix=False``) PLR completes; praxis_lab reports the
``unknown_method`` for the path where ``premix`` holds, which PLR would raise as an
``AttributeError`` the first time someone turns premixing on.
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


async def add_samples(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                      premix: bool = False):
    for col in (1, 2):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        if premix:
            await lh.aspirate(source[f"A{col}:H{col}"], vols=[20] * 8)
            await lh.dispence(source[f"A{col}:H{col}"], vols=[20] * 8)
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[40] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[40] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

