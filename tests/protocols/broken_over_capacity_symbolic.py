"""No setup: two 200 µL dispenses into one 360 µL well overflow it even when it starts empty."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def pool(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips(tips["A1:B1"])
    await lh.aspirate(source["A1:B1"], vols=[200, 200])
    await lh.dispense(dest["A1"], vols=[200], use_channels=[0])
    await lh.dispense(dest["A1"], vols=[200], use_channels=[1])
    await lh.discard_tips()
