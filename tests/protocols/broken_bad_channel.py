"""use_channels=[8] on an 8-channel head (channels are 0-7)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def ninth_channel(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[10], use_channels=[8])
    await lh.discard_tips()
