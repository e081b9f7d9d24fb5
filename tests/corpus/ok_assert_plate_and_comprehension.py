"""Wells built by a list comprehension (``[plate.get_item(f"{r}{c}") ...]``), zipped with
a list of volumes, the protocol checking its own plate first with ``assert`` on
``len(plate.children)`` and ``plate.num_items_x``.
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

ROWS = "ABCDEFGH"


async def gradient(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    assert len(dest.children) == 96, "a 96-well destination plate"
    assert dest.num_items_x == 12 and dest.num_items_y == 8
    wells = [dest.get_item(f"{r}{c}") for c in (1, 2) for r in ROWS]
    vols = [10 + 5 * i for i in range(len(wells))]
    await lh.pick_up_tips(tips["A1:H1"])
    for i in range(0, len(wells), 8):
        await lh.aspirate(source[f"A{i // 8 + 1}:H{i // 8 + 1}"], vols=vols[i:i + 8])
        await lh.dispense(wells[i:i + 8], vols=vols[i:i + 8])
    await lh.discard_tips()
    for well, vol in zip(wells[:3], vols[:3], strict=True):
        print(f"{well.get_identifier()}: {vol} µL")


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

