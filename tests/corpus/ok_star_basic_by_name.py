"""The STAR(let) getting-started notebook as one protocol: everything is found on the deck by name.

The only parameter is ``lh``; the tip rack and the plate are looked up with
``lh.deck.get_resource`` exactly as the user guide does, liquid goes A1:C1 -> D1:F1
and back, and the tips go back where they came from.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Cor_96_wellplate_360ul_Fb,
    STARLetDeck,
    hamilton_96_tiprack_1000uL_filter,
)


async def getting_started(lh: LiquidHandler):
    tiprack = lh.deck.get_resource("tips_01")
    await lh.pick_up_tips(tiprack["A1:C1"])

    plate = lh.deck.get_resource("plate_01")
    await lh.aspirate(plate["A1:C1"], vols=[100.0, 50.0, 200.0])
    await lh.dispense(plate["D1:F1"], vols=[100.0, 50.0, 200.0])

    # and back again
    await lh.aspirate(plate["D1:F1"], vols=[100.0, 50.0, 200.0])
    await lh.dispense(plate["A1:C1"], vols=[100.0, 50.0, 200.0])

    await lh.drop_tips(tiprack["A1:C1"])


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip carrier")
    tip_car[0] = hamilton_96_tiprack_1000uL_filter(name="tips_01")
    lh.deck.assign_child_resource(tip_car, rails=3)
    plt_car = PLT_CAR_L5AC_A00(name="plate carrier")
    plt_car[0] = plate = Cor_96_wellplate_360ul_Fb(name="plate_01")
    lh.deck.assign_child_resource(plt_car, rails=15)
    for well, volume in zip(plate["A1:C1"], [100.0, 50.0, 200.0], strict=True):
        well.tracker.set_volume(volume)
    return {"lh": lh}
