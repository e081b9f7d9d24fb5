"""transfer_96 is not a PLR 0.2.2 method (stamp / aspirate96 + dispense96 are)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def copy96(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    await lh.pick_up_tips96(tips)
    await lh.transfer_96(source, dest, volume=50)
    await lh.drop_tips96(tips)
