"""Mistake: ``consolidate_tip_inventory`` while channel 0 still holds a tip.

Consolidation picks tips up with the channels; the first pick-up meets the mounted
tip and PLR raises ``HasTipError: Channel has tip`` at the consolidate call.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    STARLetDeck,
    TipRack,
    hamilton_96_tiprack_1000uL_filter,
)


async def tidy_too_early(lh: LiquidHandler, tr0: TipRack, tr1: TipRack):
    await lh.pick_up_tips(tr1["A12"])
    await lh.consolidate_tip_inventory([tr0, tr1])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[0] = tr0 = hamilton_96_tiprack_1000uL_filter(name="tr0")
    tip_carrier[1] = tr1 = hamilton_96_tiprack_1000uL_filter(name="tr1")
    lh.deck.assign_child_resource(tip_carrier, rails=1)
    tr0.set_tip_state([i >= 16 for i in range(96)])
    tr1.set_tip_state([i >= 80 for i in range(96)])
    return {"lh": lh, "tr0": tr0, "tr1": tr1}
