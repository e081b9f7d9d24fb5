"""vols given as a number: PLR 0.2.2 wants one volume per resource in a list."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def scalar(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 40):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], volume)
    await lh.dispense(plate["A2:H2"], vols=[volume] * 8)
    await lh.discard_tips()
