"""Distribute from one source well into a list of wells, one channel, looping over wells."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import TipRack, Well


async def distribute(lh: LiquidHandler, tips: TipRack, source: Well, targets: list[Well],
                     volume: float = 20):
    await lh.pick_up_tips(tips["A1"])
    for well in targets[:6]:
        await lh.aspirate([source], vols=[volume])
        await lh.dispense([well], vols=[volume])
    await lh.discard_tips()
