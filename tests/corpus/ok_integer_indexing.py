"""Integer indexing as in the trackers tutorial: ``tip_rack[0]``, ``plate[i]``, slices and ranges.

Wells are numbered down the columns (0 = A1, 8 = A2); the protocol fills the first two
columns itself with ``tracker.set_volume`` and pools them well by well.
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


async def pool_two_columns(lh: LiquidHandler, tip_rack: TipRack, plate: Plate):
    for i in range(16):
        plate.get_item(i).tracker.set_volume(100)

    await lh.pick_up_tips(tip_rack[0])
    for i in range(1, 3):  # A1 holds 100 µL and takes 260 more
        await lh.aspirate(plate[i], vols=[100])
        await lh.dispense(plate[0], vols=[100])
    await lh.return_tips()

    await lh.pick_up_tips(tip_rack[8:16])
    await lh.aspirate(plate[range(8, 16)], vols=[50] * 8)
    await lh.dispense(plate[88:96], vols=[50] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8), deck=STARLetDeck())
    tip_carrier = TIP_CAR_480_A00(name="tip carrier")
    tip_carrier[0] = tip_rack = hamilton_96_tiprack_1000uL_filter(name="tip rack")
    lh.deck.assign_child_resource(tip_carrier, rails=3)
    plt_carrier = PLT_CAR_L5AC_A00(name="plate carrier")
    plt_carrier[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_carrier, rails=9)
    return {"lh": lh, "tip_rack": tip_rack, "plate": plate}
