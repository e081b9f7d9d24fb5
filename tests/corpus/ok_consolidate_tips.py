"""``consolidate_tip_inventory`` (PLR 0.2.2) before a run that needs full columns.

Two racks are left half used (tips here and there); consolidation moves the tips so
that the first rack is full again, and the protocol then picks up whole columns from it.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    STARLetDeck,
    TipRack,
    hamilton_96_tiprack_1000uL_filter,
)


async def tidy_then_use(lh: LiquidHandler, tr0: TipRack, tr1: TipRack):
    await lh.consolidate_tip_inventory([tr0, tr1], use_channels=[0, 1, 2, 3, 4, 5, 6, 7])
    for col in range(1, 13):
        await lh.pick_up_tips(tr0[f"A{col}:H{col}"])
        await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip_carrier")
    tip_carrier[0] = tr0 = hamilton_96_tiprack_1000uL_filter(name="tr0")
    tip_carrier[1] = tr1 = hamilton_96_tiprack_1000uL_filter(name="tr1")
    lh.deck.assign_child_resource(tip_carrier, rails=10)
    tr0.set_tip_state([i % 3 != 0 for i in range(96)])  # 64 tips
    tr1.set_tip_state([i % 3 == 0 for i in range(96)])  # 32 tips
    return {"lh": lh, "tr0": tr0, "tr1": tr1}
