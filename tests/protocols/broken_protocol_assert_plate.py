"""A protocol written for 384-well plates asserts it, and is given a 96-well plate.

The assert is the protocol's own: PLR would index the 96-well plate as told.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def quadrants(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 10):
    assert plate.num_items == 384, f"{plate.name} has {plate.num_items} wells, not 384"
    for quadrant in range(4):
        await lh.pick_up_tips(tips[f"A{quadrant + 1}:H{quadrant + 1}"])
        await lh.aspirate(plate[f"A{quadrant + 1}:H{quadrant + 1}"], vols=[volume] * 8)
        await lh.dispense(plate[f"A{quadrant + 5}:H{quadrant + 5}"], vols=[volume] * 8)
        await lh.discard_tips()
