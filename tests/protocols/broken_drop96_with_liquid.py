"""drop_tips96 after aspirate96 without dispensing."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def wet96(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips96(tips)
    await lh.aspirate96(plate, volume=20)
    await lh.drop_tips96(tips)
