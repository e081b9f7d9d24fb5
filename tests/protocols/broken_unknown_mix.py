"""lh.mix does not exist in PLR 0.2.2 (mixing is aspirate + dispense, or the mix= argument)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def mix_column(lh: LiquidHandler, tips: TipRack, plate: Plate, cycles: int = 3):
    await lh.pick_up_tips(tips["A1:H1"])
    for _ in range(cycles):
        await lh.mix(plate["A1:H1"], vols=[50] * 8)
    await lh.discard_tips()
