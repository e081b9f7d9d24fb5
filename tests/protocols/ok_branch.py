"""if/else on a numeric parameter: a big volume is split over two aspirations."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def maybe_split(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                      volume: float = 150):
    await lh.pick_up_tips(tips["A1:H1"])
    if volume > 300:
        half = volume / 2
        await lh.aspirate(source["A1:H1"], vols=[half] * 8)
        await lh.dispense(dest["A1:H1"], vols=[half] * 8)
        await lh.aspirate(source["A1:H1"], vols=[half] * 8)
        await lh.dispense(dest["A2:H2"], vols=[half] * 8)
    else:
        await lh.aspirate(source["A1:H1"], vols=[volume] * 8)
        await lh.dispense(dest["A1:H1"], vols=[volume] * 8)
    await lh.drop_tips(tips["A1:H1"])
