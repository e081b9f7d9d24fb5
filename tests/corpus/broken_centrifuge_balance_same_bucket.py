"""Mistake: the balance plate is loaded without turning the rotor to bucket 2 first: the
rotor still stands at bucket 1, which holds the samples, and PLR's ``Loader.load`` raises
``BucketHasPlateError``.
"""
from pylabrobot.centrifuge import Centrifuge, Loader
from pylabrobot.centrifuge.chatterbox import CentrifugeChatterboxBackend, LoaderChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)


async def spin_balanced(lh: LiquidHandler, samples: Plate, balance: Plate,
                        centrifuge: Centrifuge, loader: Loader, g: float = 1000,
                        spin_s: float = 300):
    sample_home, balance_home = samples.parent, balance.parent
    await centrifuge.open_door()
    await centrifuge.go_to_bucket1()
    await lh.move_plate(samples, loader)
    await loader.load()
    await lh.move_plate(balance, loader)
    await loader.load()
    await centrifuge.close_door()
    await centrifuge.spin(g=g, duration=spin_s, acceleration=0.8)
    await centrifuge.open_door()
    await centrifuge.go_to_bucket2()
    await loader.unload()
    await lh.move_plate(balance, balance_home)
    await centrifuge.go_to_bucket1()
    await loader.unload()
    await lh.move_plate(samples, sample_home)
    await centrifuge.close_door()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = samples = cor_96_wellplate_360uL_Fb(name="samples")
    plate_car[1] = balance = cor_96_wellplate_360uL_Fb(name="balance")
    lh.deck.assign_child_resource(plate_car, rails=14)
    centrifuge = Centrifuge(backend=CentrifugeChatterboxBackend(), name="centrifuge",
                            size_x=381, size_y=406, size_z=381)
    loader = Loader(backend=LoaderChatterboxBackend(), centrifuge=centrifuge, name="loader",
                    size_x=127.76, size_y=85.48, size_z=20, child_location=Coordinate.zero())
    lh.deck.assign_child_resource(loader, location=Coordinate(1030, 0, 0))
    return {"lh": lh, "samples": samples, "balance": balance, "centrifuge": centrifuge,
            "loader": loader}
