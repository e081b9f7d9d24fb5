"""A thermocycler profile written out as PLR's ``Protocol`` of stages and steps (a melt-curve
style hold series), run while the handler prepares the next plate, then waited for.

``run_protocol`` returns at once; the protocol goes on pipetting and waits for the profile
with ``wait_for_profile_completion``.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_50uL,
)
from pylabrobot.thermocycling import Thermocycler, ThermocyclerChatterboxBackend
from pylabrobot.thermocycling.standard import Protocol, Stage, Step


async def cycle_while_preparing(lh: LiquidHandler, tips: TipRack, first: Plate, second: Plate,
                                tc: Thermocycler, steps: int = 4):
    home = first.parent
    await tc.open_lid()
    await lh.move_plate(first, tc)
    await tc.close_lid()
    holds = [Step(temperature=[60.0 + 5 * i], hold_seconds=90) for i in range(steps)]
    await tc.run_protocol(Protocol(stages=[Stage(steps=holds, repeats=2)]),
                          block_max_volume=20)
    for col in range(1, 5):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(second[f"A{col + 4}:H{col + 4}"], vols=[10] * 8)
        await lh.dispense(second[f"A{col}:H{col}"], vols=[10] * 8)
        await lh.discard_tips()
    await tc.wait_for_profile_completion()
    await tc.open_lid()
    await lh.move_plate(first, home)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = first = cor_96_wellplate_360uL_Fb(name="first")
    plate_car[1] = second = cor_96_wellplate_360uL_Fb(name="second")
    lh.deck.assign_child_resource(plate_car, rails=14)
    tc = Thermocycler(name="tc", size_x=172, size_y=316, size_z=154,
                      backend=ThermocyclerChatterboxBackend(),
                      child_location=Coordinate(22, 115, 100))
    lh.deck.assign_child_resource(tc, location=Coordinate(1030, 0, 0))
    second.set_well_volumes([30] * 96)
    return {"lh": lh, "tips": tips, "first": first, "second": second, "tc": tc}
