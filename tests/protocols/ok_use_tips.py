"""async with lh.use_tips(...): tips picked up on entry and discarded on exit."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def with_tips(lh: LiquidHandler, tips: TipRack, plate: Plate):
    async with lh.use_tips(tips["A4:D4"], channels=[0, 1, 2, 3]):
        await lh.aspirate(plate["A1:D1"], vols=[5] * 4)
        await lh.dispense(plate["A5:D5"], vols=[5] * 4)
    async with lh.use_tips(tips["E4:H4"], discard=False):
        await lh.aspirate(plate["E1:H1"], vols=[5] * 4)
        await lh.dispense(plate["E5:H5"], vols=[5] * 4)
