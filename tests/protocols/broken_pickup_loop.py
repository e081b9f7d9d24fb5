"""Pick up in every iteration but drop only after the loop."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def pickup_loop(lh: LiquidHandler, tips: TipRack, plate: Plate):
    for col in range(1, 4):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[5] * 8)
        await lh.dispense(plate[f"A{col + 6}:H{col + 6}"], vols=[5] * 8)
    await lh.discard_tips()
