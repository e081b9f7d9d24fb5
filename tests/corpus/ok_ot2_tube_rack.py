"""OT-2 style: a one-channel pipette on an ``OTDeck``, a tube rack as the source, labware on slots.

As in the OT-2 hello-world: a tube sits in an Opentrons tube rack (a ``TubeRack`` of
holders); the protocol takes the tube out of its holder and distributes it to a row.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    Coordinate,
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


async def distribute_from_tube(lh: LiquidHandler, tips: TipRack, tube_rack: TubeRack,
                               plate: Plate):
    tube = tube_rack.get_item("A1").resource
    offset = Coordinate(x=0, y=0, z=1)
    await lh.pick_up_tips(tips[95], offsets=[offset])
    for well in plate.row("A"):
        await lh.aspirate([tube], vols=[20], offsets=[offset])
        await lh.dispense([well], vols=[20], offsets=[offset])
    await lh.return_tips(offsets=[offset])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=1), deck=OTDeck())
    tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_at_slot(tips, slot=9)
    plate = cor_96_wellplate_360uL_Fb(name="premixplate")
    lh.deck.assign_child_at_slot(plate, slot=6)
    tube_rack = opentrons_24_tuberack_generic_1point5ml_snapcap_short(name="tube_rack")
    tube_rack[0] = tube = eppendorf_tube_1500uL_Vb(name="tube_01")
    lh.deck.assign_child_at_slot(tube_rack, slot=4)
    tube.tracker.set_volume(1000)
    return {"lh": lh, "tips": tips, "tube_rack": tube_rack, "plate": plate}
