"""A tip rack half used by an earlier run: the setup empties columns 1-5
(``set_tip_state``) and the protocol finds full columns itself by asking each spot
``has_tip()``, in a list comprehension over ``tips.num_items_x``.
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


def full_columns(rack):
    return [c for c in range(1, rack.num_items_x + 1)
            if all(rack.get_item(f"{r}{c}").has_tip() for r in "ABCDEFGH")]


async def use_leftover_rack(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    free = full_columns(tips)
    for dest_col, tip_col in enumerate(free[:6], start=1):
        await lh.pick_up_tips(tips[f"A{tip_col}:H{tip_col}"])
        await lh.aspirate(source[f"A{dest_col}:H{dest_col}"], vols=[30] * 8)
        await lh.dispense(dest[f"A{dest_col}:H{dest_col}"], vols=[30] * 8)
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
    tips.set_tip_state([i >= 40 for i in range(96)])  # columns 1-5 used
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
