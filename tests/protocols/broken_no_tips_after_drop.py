"""The tips are dropped inside the loop but picked up only once, before it."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def drop_in_loop(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(1, 4):
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[10] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[10] * 8)
        await lh.discard_tips()
