"""if/else on an int parameter choosing how many replicate columns to fill."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def replicates(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     n: int = 3):
    await lh.pick_up_tips(tips["A1:H1"])
    if n >= 2:
        for col in range(2):
            await lh.aspirate(source["A1:H1"], vols=[20] * 8)
            await lh.dispense(dest[f"A{col + 1}:H{col + 1}"], vols=[20] * 8)
    else:
        await lh.aspirate(source["A1:H1"], vols=[20] * 8)
        await lh.dispense(dest["A1:H1"], vols=[20] * 8)
    await lh.discard_tips()
