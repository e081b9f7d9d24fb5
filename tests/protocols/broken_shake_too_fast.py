"""3,000 rpm on a Hamilton heater shaker, whose backend asserts 20 to 2,000 rpm (PLR:
AssertionError). The real backend talks to a bench box that answers like a connected one."""
from pylabrobot.heating_shaking import HeaterShaker
from pylabrobot.heating_shaking.hamilton_backend import (
    HamiltonHeaterShakerBackend,
    HamiltonHeaterShakerInterface,
)
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb


async def vortex(lh: LiquidHandler, plate: Plate, hhs: HeaterShaker):
    await lh.move_plate(plate, hhs)
    await hhs.shake(speed=3000, duration=30)


def bench_box():
    class BenchBox(HamiltonHeaterShakerInterface):
        async def send_hhs_command(self, index: int, command: str, **kwargs) -> str:
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
