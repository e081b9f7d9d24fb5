"""Only the large-volume branch forgets its tips (conditional on volume)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def branchy(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 250):
    if volume > 200:
        await lh.aspirate(plate["A1"], vols=[volume])
        await lh.dispense(plate["A2"], vols=[volume])
    else:
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(plate["A1"], vols=[volume])
        await lh.dispense(plate["A2"], vols=[volume])
        await lh.discard_tips()
