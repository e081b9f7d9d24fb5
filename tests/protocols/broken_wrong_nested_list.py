"""A list of lists of wells (a slice wrapped in another list)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def nested(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:B1"])
    await lh.aspirate([plate["A1:B1"]], vols=[10, 10])
    await lh.discard_tips()
