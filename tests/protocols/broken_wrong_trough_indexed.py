"""A trough indexed like a plate (trough["A1"]): a Trough is not subscriptable."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack, Trough


async def trough_well(lh: LiquidHandler, tips: TipRack, trough: Trough, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(trough["A1"], vols=[100])
    await lh.dispense(plate["A1"], vols=[100])
    await lh.discard_tips()
