"""Eight wells but seven volumes: PLR raises ValueError (lengths must match)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def short_vols(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[10] * 7)
    await lh.discard_tips()
