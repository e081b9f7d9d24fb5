"""Aspirating from a tip rack (the wrong parameter passed)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def swapped(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(tips["A2:H2"], vols=[10] * 8)
    await lh.dispense(plate["A1:H1"], vols=[10] * 8)
    await lh.discard_tips()
