"""Pooling: 25 µL from each well of row B (twelve wells) into a single well of a pool
plate, one channel, one tip; the pool ends at 300 µL in a 360 µL well.
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


async def pool_row(lh: LiquidHandler, tips: TipRack, samples: Plate, pool: Plate,
                   row: str = "B", each: float = 25):
    target = pool.get_item("A1")
    sources = [samples.get_item(f"{row}{c}") for c in range(1, samples.num_items_x + 1)]
    await lh.pick_up_tips([tips.get_item("A1")])
    for well in sources:
        await lh.aspirate([well], vols=[each])
        await lh.dispense([target], vols=[each])
    await lh.discard_tips()
    print(f"pooled {len(sources)} wells of row {row}: {len(sources) * each} µL")


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    plt_car[1] = pool = cor_96_wellplate_360uL_Fb(name="pool")
    lh.deck.assign_child_resource(plt_car, rails=8)
    samples.set_well_volumes([100] * 96)
    return {"lh": lh, "tips": tips, "samples": samples, "pool": pool}
