"""Plate replication into two daughter plates with the 8 channels named explicitly
(``use_channels=list(range(8))``): each column is aspirated once for both copies and
dispensed twice, fresh tips per column.
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


async def replicate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                    copy2: Plate, volume: float = 20):
    channels = list(range(8))
    for col in range(1, source.num_items_x + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"], use_channels=channels)
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[2 * volume] * 8, use_channels=channels)
        for daughter in (dest, copy2):
            await lh.dispense(daughter[f"A{col}:H{col}"], vols=[volume] * 8,
                              use_channels=channels)
        await lh.discard_tips(use_channels=channels)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    plt_car[2] = copy2 = cor_96_wellplate_360uL_Fb(name="copy2")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest, "copy2": copy2}
