"""Mistake: ``run_pcr_profile(..., cycles=30)``: PLR 0.2.2 calls it ``num_cycles``; ``cycles``
goes to ``**backend_kwargs`` and the call is a ``TypeError`` (missing 'num_cycles').
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
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_50uL,
)
from pylabrobot.temperature_controlling import (
    TemperatureController,
    TemperatureControllerChatterboxBackend,
)
from pylabrobot.thermocycling import Thermocycler, ThermocyclerChatterboxBackend


async def pcr_setup(lh: LiquidHandler, tips: TipRack, mix: Trough, templates: Plate,
                    pcr_plate: Plate, block: TemperatureController, tc: Thermocycler,
                    columns: int = 3, cycles: int = 30):
    await block.set_temperature(4)
    await block.wait_for_temperature()
    await lh.move_plate(pcr_plate, block)
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate([mix] * 8, vols=[20] * 8)
        await lh.dispense(pcr_plate[f"A{col}:H{col}"], vols=[20] * 8)
        await lh.aspirate(templates[f"A{col}:H{col}"], vols=[5] * 8)
        await lh.dispense(pcr_plate[f"A{col}:H{col}"], vols=[5] * 8)
        await lh.discard_tips()
    await tc.open_lid()
    await lh.move_plate(pcr_plate, tc)
    await tc.close_lid()
    await tc.run_pcr_profile(
        denaturation_temp=[95.0], denaturation_time=15,
        annealing_temp=[58.0], annealing_time=30,
        extension_temp=[72.0], extension_time=45,
        cycles=cycles, block_max_volume=25, lid_temperature=[105.0],
        pre_denaturation_temp=[95.0], pre_denaturation_time=120,
        final_extension_temp=[72.0], final_extension_time=300)
    await tc.wait_for_profile_completion()
    await tc.open_lid()
    await lh.move_plate(pcr_plate, block)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = mix = hamilton_1_trough_200ml_Vb(name="mix")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = templates = cor_96_wellplate_360uL_Fb(name="templates")
    plate_car[1] = pcr_plate = cor_96_wellplate_360uL_Fb(name="pcr_plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    block = TemperatureController(name="block", size_x=193.5, size_y=89.2, size_z=84,
                                  backend=TemperatureControllerChatterboxBackend(),
                                  child_location=Coordinate(33, 2, 84))
    lh.deck.assign_child_resource(block, location=Coordinate(1030, 0, 0))
    tc = Thermocycler(name="tc", size_x=172, size_y=316, size_z=154,
                      backend=ThermocyclerChatterboxBackend(),
                      child_location=Coordinate(22, 115, 100))
    lh.deck.assign_child_resource(tc, location=Coordinate(1030, 120, 0))
    mix.tracker.set_volume(10_000)
    templates.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "mix": mix, "templates": templates,
            "pcr_plate": pcr_plate, "block": block, "tc": tc}
