"""Aspirate before any tip is picked up."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def no_tip(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.aspirate(plate["A1:H1"], vols=[20] * 8)
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.dispense(plate["A2:H2"], vols=[20] * 8)
