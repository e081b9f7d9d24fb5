"""return_tips from a helper, one channel still holding 15 µL."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def put_back(lh):
    await lh.return_tips()


async def wet_return(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1:B1"])
    await lh.aspirate(plate["A1:B1"], vols=[30, 30])
    await lh.dispense(plate["A3:B3"], vols=[30, 15])
    await put_back(lh)
