"""Cherry-picking from a CSV pasted into the protocol: ``source,destination,volume`` rows
parsed with ``splitlines``/``split(",")``, wells looked up with ``plate[name][0]``, one
fresh tip per row taken in rack order.
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

PICKS = """source,destination,volume
A1,A1,20
B3,B1,35
H12,C1,10.5
D7,D1,50
"""


def parse(text):
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    return [(src.strip(), dst.strip(), float(vol)) for src, dst, vol in rows]


async def cherry_pick(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    tip_spots = tips.get_all_items()
    for n, (src, dst, vol) in enumerate(parse(PICKS)):
        await lh.pick_up_tips([tip_spots[n]])
        await lh.aspirate(source[src], vols=[vol])
        await lh.dispense(dest[dst], vols=[vol])
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
    source.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
