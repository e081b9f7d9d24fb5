"""Enzyme mix kept cold: the block is cooled to 4 °C and waited for, the reaction plate is put
on it by hand (``unassign`` then the block's ``assign_child_resource``, as a person would
place it), the enzyme goes in column by column, and the block is switched off.
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


async def cold_enzyme(lh: LiquidHandler, tips: TipRack, enzyme: Trough, plate: Plate,
                      block: TemperatureController, columns: int = 4):
    await block.set_temperature(4)
    await block.wait_for_temperature(timeout=600)
    plate.unassign()
    block.assign_child_resource(plate)
    for col in range(1, columns + 1):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate([enzyme] * 8, vols=[10] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[10] * 8)
        await lh.discard_tips()
    temperature = await block.get_temperature()
    await block.deactivate()
    return temperature


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = enzyme = hamilton_1_trough_200ml_Vb(name="enzyme")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    block = TemperatureController(name="block", size_x=193.5, size_y=89.2, size_z=84,
                                  backend=TemperatureControllerChatterboxBackend(),
                                  child_location=Coordinate(33, 2, 84))
    lh.deck.assign_child_resource(block, location=Coordinate(1030, 0, 0))
    enzyme.tracker.set_volume(5_000)
    return {"lh": lh, "tips": tips, "enzyme": enzyme, "plate": plate, "block": block}
