"""A parameter annotated with a type PLR does not have (Reservoir)."""
from __future__ import annotations

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def from_reservoir(lh: LiquidHandler, tips: TipRack, reagent: Reservoir, plate: Plate):
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.aspirate([reagent] * 8, vols=[50] * 8)
    await lh.dispense(plate["A1:H1"], vols=[50] * 8)
    await lh.discard_tips()
