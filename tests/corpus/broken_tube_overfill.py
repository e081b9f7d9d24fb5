"""Mistake: pooling a whole plate row into one 1.5 mL tube - 12 x 150 µL is 1.8 mL.

OT-2 style (one channel, labware on slots, the tube in an Opentrons tube rack). PLR
raises ``TooLittleVolumeError: Not enough space in container`` at the 11th dispense.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    OTDeck,
    Plate,
    TipRack,
    TubeRack,
    cor_96_wellplate_360uL_Fb,
    eppendorf_tube_1500uL_Vb,
    hamilton_96_tiprack_300uL,
)
from pylabrobot.resources.opentrons.tube_racks import (
    opentrons_24_tuberack_generic_1point5ml_snapcap_short,
)


async def pool_row(lh: LiquidHandler, tips: TipRack, plate: Plate, tube_rack: TubeRack):
    pool = tube_rack.get_item("A1").resource
    await lh.pick_up_tips(tips["A1"])
    for well in plate.row("A"):
        await lh.aspirate([well], vols=[150])
        await lh.dispense([pool], vols=[150])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=1), deck=OTDeck())
    tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_at_slot(tips, slot=9)
    plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_at_slot(plate, slot=6)
    tube_rack = opentrons_24_tuberack_generic_1point5ml_snapcap_short(name="tube_rack")
    tube_rack[0] = eppendorf_tube_1500uL_Vb(name="pool")
    lh.deck.assign_child_at_slot(tube_rack, slot=4)
    plate.set_well_volumes([150] * 96)
    return {"lh": lh, "tips": tips, "plate": plate, "tube_rack": tube_rack}
