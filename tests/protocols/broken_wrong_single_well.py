"""One Well where PLR wants a list of wells (get_item returns a Well)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def single(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate.get_item("A1"), vols=[10])
    await lh.dispense(plate["A2"], vols=[10])
    await lh.discard_tips()
