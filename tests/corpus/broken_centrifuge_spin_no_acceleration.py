"""Mistake: ``spin(g, duration)`` without ``acceleration``: the real VSpin backend defaults it,
PLR's centrifuge chatterbox requires it, so ``spin`` raises ``TypeError: ... missing 1
required positional argument: 'acceleration'``.
"""
from pylabrobot.centrifuge import Centrifuge, Loader
from pylabrobot.centrifuge.chatterbox import CentrifugeChatterboxBackend, LoaderChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def spin_and_read(lh: LiquidHandler, plate: Plate, centrifuge: Centrifuge,
                        loader: Loader, reader: PlateReader, g: float = 300,
                        spin_s: float = 120):
    await lh.move_plate(plate, loader)
    await centrifuge.open_door()
    await centrifuge.go_to_bucket1()
    await loader.load()
    await centrifuge.close_door()
    await centrifuge.spin(g=g, duration=spin_s)
    await centrifuge.go_to_bucket1()
    await centrifuge.open_door()
    await loader.unload()
    await centrifuge.close_door()
    await lh.move_plate(plate, reader)
    return await reader.read_fluorescence(excitation_wavelength=485, emission_wavelength=528,
                                          focal_height=8.5)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    centrifuge = Centrifuge(backend=CentrifugeChatterboxBackend(), name="centrifuge",
                            size_x=381, size_y=406, size_z=381)
    loader = Loader(backend=LoaderChatterboxBackend(), centrifuge=centrifuge, name="loader",
                    size_x=127.76, size_y=85.48, size_z=20, child_location=Coordinate.zero())
    lh.deck.assign_child_resource(loader, location=Coordinate(1030, 0, 0))
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    return {"lh": lh, "plate": plate, "centrifuge": centrifuge, "loader": loader,
            "reader": reader}
