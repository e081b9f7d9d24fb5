"""Walking a plate with ``traverse`` (columns of 8) and ``get_all_items`` (column-major slices).

Columns come from ``plate.traverse(batch_size=8, direction="down")``; the normalised
destination is the same plate order taken from ``get_all_items()`` in slices of 8.
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


async def column_walk(lh: LiquidHandler, tips: TipRack, source: Plate, target: Plate,
                      n_columns: int = 4):
    columns = source.traverse(batch_size=8, start="top_left", direction="down")
    tip_columns = tips.traverse(batch_size=8, start="top_left", direction="down")
    targets = target.get_all_items()
    for i in range(n_columns):
        wells = next(columns)
        await lh.pick_up_tips(next(tip_columns))
        await lh.aspirate(wells, vols=[30] * 8)
        await lh.dispense(targets[8 * i:8 * i + 8], vols=[30] * 8)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = target = cor_96_wellplate_360uL_Fb(name="target")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([30] * 96)
    return {"lh": lh, "tips": tips, "source": source, "target": target}
