"""Drop the tips into a column that still has its tips (PLR: HasTipError)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import TipRack


async def full_spot(lh: LiquidHandler, tips: TipRack):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.drop_tips(tips["A2:H2"])
