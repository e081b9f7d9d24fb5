"""transfer without source_vol or target_vols, then an aspirate missing its vols."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def missing(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.transfer(plate.get_item("A1"), plate["A2:D2"])
    await lh.aspirate(plate["A1"])
    await lh.discard_tips()
