"""A 1:3 serial dilution along row A with one channel, mixed by hand: three aspirate/dispense
cycles in the destination well after each transfer (no ``mix=`` argument), one tip for
the whole row as many labs do for a quick standard curve.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def mix_in(lh, well, volume, cycles=3):
    for _ in range(cycles):
        await lh.aspirate([well], vols=[volume])
        await lh.dispense([well], vols=[volume])


async def row_dilution(lh: LiquidHandler, tips: TipRack, plate: Plate, transfer: float = 50,
                       steps: int = 11):
    await lh.pick_up_tips(tips["A1"])
    for col in range(1, steps + 1):
        src, dst = plate.get_item(f"A{col}"), plate.get_item(f"A{col + 1}")
        await lh.aspirate([src], vols=[transfer])
        await lh.dispense([dst], vols=[transfer])
        await mix_in(lh, dst, 80)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    plate.get_item("A1").tracker.set_volume(150)
    for col in range(2, 13):
        plate.get_item(f"A{col}").tracker.set_volume(100)
    return {"lh": lh, "tips": tips, "plate": plate}
