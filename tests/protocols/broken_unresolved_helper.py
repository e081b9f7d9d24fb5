"""An unknown labware type (Reservoir) used through get_item in a helper."""
from __future__ import annotations

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


def first_well(container):
    return container.get_item("A1")


async def via_helper(lh: LiquidHandler, tips: TipRack, reagent: Reservoir, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate([first_well(reagent)], vols=[50])
    await lh.dispense(plate["A1"], vols=[50])
    await lh.discard_tips()
