"""A random pick whose size is a parameter: ``random.sample(range(96), n_tips)``.

The consolidation tutorial's randomisation with ``n`` moved into the signature, as
people do to reuse it. PLR completes for the default (16 tips, two batches of 8).
"""
import random

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    STARLetDeck,
    TipRack,
    hamilton_96_tiprack_1000uL_filter,
)


async def scramble_some(lh: LiquidHandler, tr0: TipRack, tr1: TipRack, n_tips: int = 16):
    random.seed(1)
    picks = sorted(random.sample(range(tr0.num_items), n_tips))
    for start in range(0, len(picks), 8):
        batch = picks[start:start + 8]
        await lh.pick_up_tips([tr0.get_item(i) for i in batch])
        await lh.drop_tips([tr1.get_item(i) for i in batch])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[0] = tr0 = hamilton_96_tiprack_1000uL_filter(name="tr0")
    tip_carrier[1] = tr1 = hamilton_96_tiprack_1000uL_filter(name="tr1", with_tips=False)
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    return {"lh": lh, "tr0": tr0, "tr1": tr1}
