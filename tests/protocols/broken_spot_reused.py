"""The same tips are picked up again after being discarded."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def reused(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[10] * 8)
    await lh.dispense(plate["A2:H2"], vols=[10] * 8)
    await lh.discard_tips()
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.discard_tips()
