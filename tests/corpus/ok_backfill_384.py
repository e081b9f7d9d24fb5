"""Back-fill of a 384-well plate: the first ``n_samples`` wells hold samples, every later well
gets buffer so that the plate reads evenly. The ``if`` in the loop compares each well's index
with the parameter; it runs concretely with the default (the whole plate is checked) and the
other values are summarised, not one path per value (PLR completes).
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    BioRad_384_wellplate_50uL_Vb,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_50uL,
)


async def backfill(lh: LiquidHandler, tips: TipRack, buffer: Trough, plate: Plate,
                   n_samples: int = 96, volume: float = 20):
    await lh.pick_up_tips(tips["A1"])
    for index, well in enumerate(plate.get_all_items()):
        if index >= n_samples:
            await lh.aspirate([buffer], vols=[volume])
            await lh.dispense([well], vols=[volume])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = buffer = hamilton_1_trough_200ml_Vb(name="buffer")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = BioRad_384_wellplate_50uL_Vb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    buffer.tracker.set_volume(150_000)
    return {"lh": lh, "tips": tips, "buffer": buffer, "plate": plate}
