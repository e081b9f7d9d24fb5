"""aspirate96 / dispense96 with no tips on the 96 head (PLR 0.2.2 silently skips them)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def bare_head(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.aspirate96(source, volume=20)
    await lh.dispense96(dest, volume=20)
