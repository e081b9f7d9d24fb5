"""The centrifuge loader loads before the plate is put on it (PLR: LoaderNoPlateError)."""
from pylabrobot.centrifuge import Centrifuge, Loader
from pylabrobot.centrifuge.chatterbox import CentrifugeChatterboxBackend, LoaderChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, Coordinate, Plate, STARLetDeck
from pylabrobot.resources import cor_96_wellplate_360uL_Fb


async def spin_down(lh: LiquidHandler, plate: Plate, centrifuge: Centrifuge, loader: Loader):
    await centrifuge.open_door()
    await centrifuge.go_to_bucket1()
    await loader.load()
    await centrifuge.close_door()
    await centrifuge.spin(g=500, duration=60, acceleration=0.5)


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
    return {"lh": lh, "plate": plate, "centrifuge": centrifuge, "loader": loader}
