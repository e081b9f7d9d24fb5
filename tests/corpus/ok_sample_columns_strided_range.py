"""Samples copied a column at a time with ``for start in range(0, n_samples, 8)``: each pass
takes the eight wells from ``start`` (column ``start // 8 + 1``) with a fresh column of tips.
With the default (24) the loop makes 3 passes and PLR completes; from 97 samples on the 13th
pass asks for column 13 of the tip rack (PLR's ``IndexError``): ``n_samples > 96``, said on
the parameter, the passes of the stride counted like ``range(n)``.
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


async def copy_samples(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                       n_samples: int = 24, volume: float = 30):
    for start in range(0, n_samples, 8):
        col = start // 8 + 1
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
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
