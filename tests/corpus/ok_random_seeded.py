"""``random`` with a seed, as in the tip-consolidation tutorial: shuffle tips between two racks.

48 random tips of a full rack move to 48 random spots of an empty rack, 8 at a time;
with the seed fixed, the run is the same every time.
"""
import random

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    STARDeck,
    TipRack,
    hamilton_96_tiprack_1000uL_filter,
)


async def scramble_tips(lh: LiquidHandler, tr0: TipRack, tr1: TipRack):
    use_channels = [0, 1, 2, 3, 4, 5, 6, 7]
    random.seed(42)
    n = 48  # number of tips to move
    batch_size = len(use_channels)
    source_tip_spots = [tr0.get_item(i) for i in sorted(random.sample(range(tr0.num_items), n))]
    target_tip_spots = [tr1.get_item(i) for i in sorted(random.sample(range(tr1.num_items), n))]
    for i in range(0, n, batch_size):
        await lh.pick_up_tips(source_tip_spots[i:i + batch_size], use_channels=use_channels)
        await lh.drop_tips(target_tip_spots[i:i + batch_size], use_channels=use_channels)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[0] = tr0 = hamilton_96_tiprack_1000uL_filter(name="tr0", with_tips=True)
    tip_carrier[1] = tr1 = hamilton_96_tiprack_1000uL_filter(name="tr1", with_tips=False)
    lh.deck.assign_child_resource(tip_carrier, rails=10)
    return {"lh": lh, "tr0": tr0, "tr1": tr1}
