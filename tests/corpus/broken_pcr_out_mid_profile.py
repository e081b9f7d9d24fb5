"""Mistake: the protocol never waits for the profile: the lid is opened and the plate taken
out while it is still cycling. PLR's chatterbox returns from ``run_protocol`` at once and
moves the plate: praxis_lab's own check, ``device_state`` at the move out, as the samples
would leave the block mid-cycle.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)
from pylabrobot.thermocycling import Thermocycler, ThermocyclerChatterboxBackend
from pylabrobot.thermocycling.standard import Protocol, Stage, Step


async def run_pcr(lh: LiquidHandler, pcr_plate: Plate, tc: Thermocycler, cycles: int = 35):
    home = pcr_plate.parent
    await tc.set_block_temperature([4.0])
    await tc.set_lid_temperature([105.0])
    await tc.wait_for_block()
    await tc.wait_for_lid()
    await tc.open_lid()
    await lh.move_plate(pcr_plate, tc)
    await tc.close_lid()
    protocol = Protocol(stages=[
        Stage(steps=[Step(temperature=[95.0], hold_seconds=180)], repeats=1),
        Stage(steps=[Step(temperature=[95.0], hold_seconds=10),
                     Step(temperature=[60.0], hold_seconds=20),
                     Step(temperature=[72.0], hold_seconds=30)], repeats=cycles),
        Stage(steps=[Step(temperature=[72.0], hold_seconds=300)], repeats=1),
    ])
    await tc.run_protocol(protocol, block_max_volume=20)
    await tc.open_lid()
    await lh.move_plate(pcr_plate, home)
    await tc.deactivate_lid()
    await tc.deactivate_block()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = pcr_plate = cor_96_wellplate_360uL_Fb(name="pcr_plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    tc = Thermocycler(name="tc", size_x=172, size_y=316, size_z=154,
                      backend=ThermocyclerChatterboxBackend(),
                      child_location=Coordinate(22, 115, 100))
    lh.deck.assign_child_resource(tc, location=Coordinate(1030, 120, 0))
    pcr_plate.set_well_volumes([20] * 96)
    return {"lh": lh, "pcr_plate": pcr_plate, "tc": tc}
