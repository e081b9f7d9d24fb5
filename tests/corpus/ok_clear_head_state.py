"""``lh.clear_head_state()`` to forget mounted tips, as the trackers tutorial does between demos.

After a manual intervention the operator has taken the tip off; the protocol tells PLR
so and picks up a fresh one on the same channel.
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
    hamilton_96_tiprack_1000uL_filter,
)


async def after_manual_step(lh: LiquidHandler, tip_rack: TipRack, plate: Plate):
    await lh.pick_up_tips(tip_rack[0])
    lh.clear_head_state()  # the tip was removed by hand
    await lh.pick_up_tips(tip_rack[1])
    await lh.aspirate(plate["A1"], vols=[50])
    await lh.dispense(plate["A2"], vols=[50])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip carrier")
    tip_carrier[0] = tip_rack = hamilton_96_tiprack_1000uL_filter(name="tip rack")
    lh.deck.assign_child_resource(tip_carrier, rails=3)
    plt_carrier = PLT_CAR_L5AC_A00(name="plate carrier")
    plt_carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_carrier, rails=9)
    plate.get_item("A1").tracker.set_volume(100)
    return {"lh": lh, "tip_rack": tip_rack, "plate": plate}
