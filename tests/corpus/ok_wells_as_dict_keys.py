"""A plan keyed by the wells themselves: ``{well: volume}`` from ``plate.get_wells([0, 1,
2, 3])`` (integer indices), tips named with ``chr(ord("A") + j)``, each returned to its
spot after use.
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


async def ramp(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    plan = {w: 10.0 * (i + 1) for i, w in enumerate(dest.get_wells([0, 1, 2, 3]))}
    for j, (well, vol) in enumerate(plan.items()):
        await lh.pick_up_tips(tips[f"{chr(ord('A') + j)}5"])
        await lh.aspirate([source.get_item(j)], vols=[vol])
        await lh.dispense([well], vols=[vol])
        await lh.return_tips()


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

