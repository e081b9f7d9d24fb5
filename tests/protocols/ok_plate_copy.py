"""Copy a 96-well plate column by column with 8 channels."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def copy_plate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     volume: float = 100):
    for col in range(1, 13):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
