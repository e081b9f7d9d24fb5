"""Mistake: A1 holds 300 µL, but 4 × 100 µL are taken from it."""
from opentrons import protocol_api

metadata = {"apiLevel": "2.27"}
requirements = {"robotType": "OT-2"}


def run(protocol: protocol_api.ProtocolContext):
    tips = protocol.load_labware("opentrons_96_tiprack_300ul", 1)
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", 2)
    pipette = protocol.load_instrument("p300_single_gen2", "right", tip_racks=[tips])
    sample = protocol.define_liquid("sample", "start volume", "#1f77b4")
    plate.load_liquid(["A1", "B1", "C1"], 300, sample)
    plate.load_empty([w for w in plate.wells_by_name() if w not in ("A1", "B1", "C1")])
    pipette.pick_up_tip(tips["A1"])
    for well in ("A2", "A3", "A4", "A5"):
        pipette.aspirate(100, plate["A1"])
        pipette.dispense(100, plate[well])
    pipette.drop_tip()
