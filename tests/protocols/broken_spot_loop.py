"""A loop picks up the same column every time (the f-string never changes column)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def same_column(lh: LiquidHandler, tips: TipRack, plate: Plate):
    for col in range(1, 4):
        await lh.pick_up_tips(tips["A1:H1"])
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[5] * 8)
        await lh.dispense(plate[f"A{col + 3}:H{col + 3}"], vols=[5] * 8)
        await lh.discard_tips()
