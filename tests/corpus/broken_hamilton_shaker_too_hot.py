"""Mistake: 110 °C on a Hamilton heater shaker, whose backend asserts ``0 < temperature <=
105``: ``AssertionError`` at ``set_temperature``.

``HamiltonHeaterShakerBackend`` is PLR's real backend; the fixture gives it a bench box that
answers like a connected one, so PLR's own run needs no USB device.
"""
from pylabrobot.heating_shaking import HeaterShaker
from pylabrobot.heating_shaking.hamilton_backend import (
    HamiltonHeaterShakerBackend,
    HamiltonHeaterShakerInterface,
)
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def warm_shake(lh: LiquidHandler, plate: Plate, hhs: HeaterShaker, rpm: float = 1000,
                     minutes: float = 5):
    await hhs.set_temperature(110)  # denature
    await hhs.wait_for_temperature()
    home = plate.parent
    await lh.move_plate(plate, hhs)
    await hhs.shake(speed=rpm, duration=minutes * 60)
    await lh.move_plate(plate, home)
    await hhs.deactivate()


def bench_box():
    """A heater shaker box that acknowledges every command (for runs without the device)."""

    class BenchBox(HamiltonHeaterShakerInterface):
        def __init__(self):
            self.temperature = 22.0

        async def send_hhs_command(self, index: int, command: str, **kwargs) -> str:
            if command == "TA":
                self.temperature = int(kwargs["ta"]) / 10
            if command == "RT":
                return f"T{index}RTid0001rt{round(self.temperature * 10):04d} 0000"
            return f"T{index}{command}id0001er00rd1"

    return BenchBox()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hhs = HeaterShaker(name="hhs", size_x=147, size_y=104, size_z=116,
                       backend=HamiltonHeaterShakerBackend(index=1, interface=bench_box()),
                       child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hhs, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "plate": plate, "hhs": hhs}
