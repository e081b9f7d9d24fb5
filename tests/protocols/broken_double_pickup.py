"""Two pick-ups in a row: the channels already hold tips."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def twice(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.pick_up_tips(tips["A2:H2"])
    await lh.aspirate(plate["A1:H1"], vols=[10] * 8)
    await lh.discard_tips()
