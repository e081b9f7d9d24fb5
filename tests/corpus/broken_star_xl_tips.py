"""Mistake: 5 mL (XL) tips picked up with the 1 mL channels of a Hamilton STAR.

PLR's STAR backend takes no XL tips on its channels: ``pick_up_tips`` raises
``RuntimeError: Cannot pick up tips on channels [0]`` before anything moves. The setup
runs on ``STARChatterboxBackend``, PLR's real STAR backend without the USB link.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends.hamilton.STAR_chatterbox import STARChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_24_tiprack_5000uL,
)


async def fill_column(lh: LiquidHandler, big_tips: TipRack, buffer: Trough, plate: Plate):
    await lh.pick_up_tips(big_tips["A1"])
    for well in plate["A1:H1"]:
        await lh.aspirate([buffer], vols=[300])
        await lh.dispense([well], vols=[300])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=STARChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = big_tips = hamilton_24_tiprack_5000uL(name="big_tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = buffer = hamilton_1_trough_200ml_Vb(name="buffer")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    buffer.tracker.set_volume(50_000)
    return {"lh": lh, "big_tips": big_tips, "buffer": buffer, "plate": plate}
