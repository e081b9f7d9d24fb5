"""A temperature block that cannot cool is set from 37 °C down to 25 °C without
passive=True (PLR: ValueError)."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import Coordinate, STARLetDeck
from pylabrobot.temperature_controlling import (
    TemperatureController,
    TemperatureControllerChatterboxBackend,
)


async def warm_then_room(lh: LiquidHandler, block: TemperatureController):
    await block.set_temperature(37)
    await block.wait_for_temperature()
    await block.set_temperature(25)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    block = TemperatureController(name="block", size_x=193.5, size_y=89.2, size_z=84,
                                  backend=TemperatureControllerChatterboxBackend(),
                                  child_location=Coordinate(33, 2, 84))
    lh.deck.assign_child_resource(block, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "block": block}
