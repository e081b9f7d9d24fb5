"""Mistake: 100 µL in one go with small tips (50 µL tips here, 20 µL on the OT-2)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    OTDeck,
    Plate,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_50uL,
)


async def copy(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[100])
    await lh.dispense(plate["A2"], vols=[100])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=1), deck=OTDeck())
    tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_at_slot(tips, slot=1)
    plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_at_slot(plate, slot=2)
    for name in ("A1", "B1", "C1"):
        plate.get_well(name).tracker.set_volume(300)
    return {"lh": lh, "tips": tips, "plate": plate}
