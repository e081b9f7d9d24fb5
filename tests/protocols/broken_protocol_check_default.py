"""The protocol checks its own volume, and the default breaks its check.

Written for 300 µL wells, the volume check is the author's; the default (250 µL) was
raised later without it. PLR never sees a call: the protocol's ValueError stops it.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def top_up(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 250):
    if volume > 200:
        raise ValueError(f"volume {volume} µL: at most 200 µL per well")
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[volume] * 8)
    await lh.dispense(plate["A2:H2"], vols=[volume] * 8)
    await lh.discard_tips()
