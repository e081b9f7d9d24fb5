"""A misspelt labware type (TipRak) in a string annotation."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate


async def typo(lh: LiquidHandler, tips: "TipRak", plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[10])
    await lh.discard_tips()
