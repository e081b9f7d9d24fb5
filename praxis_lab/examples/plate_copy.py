"""Copy half a 96-well plate column by column on a STARlet (PLR's chatterbox backend).

It has one common mistake: `vols` is a number where PLR wants a list (one volume
per channel), so `praxis-lab simulate` reports `bad_arguments` at the aspirate,
with a fix that turns it into `[volume] * 8`.
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
    hamilton_96_tiprack_1000uL_filter,
)


def make_deck():
    """A STARlet with tips on rail 1 and two plates on rail 8; the source holds 300 µL/well."""
    deck = STARLetDeck()
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    plt_car = PLT_CAR_L5AC_A00(name="plate_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    deck.assign_child_resource(tip_car, rails=1)
    deck.assign_child_resource(plt_car, rails=8)
    for well in source.get_all_items():
        well.tracker.set_volume(300)
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}


async def copy_plate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     volume: float = 150, columns: int = 6):
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=volume)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
