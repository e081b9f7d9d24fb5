"""Nested loops building well names with f-strings, one channel."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def nested(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 15):
    for row in "ABC":
        await lh.pick_up_tips(tips[f"{row}12"])
        for col in range(1, 4):
            await lh.aspirate(plate[f"{row}{col}"], vols=[volume])
            await lh.dispense(plate[f"{row}{col + 6}"], vols=[volume])
        await lh.drop_tips(tips[f"{row}12"])
