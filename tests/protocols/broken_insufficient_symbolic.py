"""No setup: 2 × 200 µL from one 360 µL well cannot work whatever its start volume."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def too_much(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(source["A1"], vols=[200])
    await lh.dispense(dest["A1"], vols=[200])
    await lh.aspirate(source["A1"], vols=[200])
    await lh.dispense(dest["A2"], vols=[200])
    await lh.discard_tips()
