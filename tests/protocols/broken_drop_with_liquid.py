"""drop_tips back into the rack with liquid still in the tips."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def wet_drop(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate(plate["A1:H1"], vols=[60] * 8)
    await lh.dispense(plate["A2:H2"], vols=[40] * 8)
    await lh.drop_tips(tips["A1:H1"])
