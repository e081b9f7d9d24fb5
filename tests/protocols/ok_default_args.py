"""PLR defaults at work: discard_tips allows liquid in the tips, use_channels defaults to 0..n-1."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def defaults(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:D1"])
    await lh.aspirate(plate["A1:D1"], vols=[30, 30, 30, 30])
    await lh.dispense(plate["A2:D2"], vols=[10, 10, 10, 10])
    await lh.discard_tips()
    await lh.pick_up_tips(tips["A2:D2"])
    await lh.drop_tips(tips["A2:D2"], allow_nonzero_volume=True)
