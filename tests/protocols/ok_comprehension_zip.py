"""Pair source and destination wells with a list comprehension and zip."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def pairs(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                volume: float = 30):
    sources = [source.get_item(f"{row}1") for row in "ABCD"]
    dests = [dest.get_item(f"{row}2") for row in "ABCD"]
    spots = [tips.get_item(f"{row}5") for row in "ABCD"]
    for spot, src, dst in zip(spots, sources, dests):
        await lh.pick_up_tips([spot])
        await lh.aspirate([src], vols=[volume])
        await lh.dispense([dst], vols=[volume])
        await lh.drop_tips([spot])
