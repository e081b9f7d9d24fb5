"""A 1:2 serial dilution across a plate with 8 channels, diluent from a trough, ``Mix`` after
each dispense - the protocol every liquid-handling course writes first.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.liquid_handling.standard import Mix
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200mL_Vb,
    hamilton_96_tiprack_300uL,
)


async def serial_dilution(lh: LiquidHandler, tips: TipRack, diluent: Trough, plate: Plate,
                          volume: float = 100):
    # diluent into columns 2-12 with one set of tips
    await lh.pick_up_tips(tips["A1:H1"])
    for col in range(2, 13):
        await lh.aspirate([diluent] * 8, vols=[volume] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()

    # the dilution series, fresh tips for each step
    mix = [Mix(volume=volume / 2, repetitions=5, flow_rate=100)] * 8
    for col in range(1, 12):
        await lh.pick_up_tips(tips[f"A{col + 1}:H{col + 1}"])
        await lh.aspirate(plate[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(plate[f"A{col + 1}:H{col + 1}"], vols=[volume] * 8, mix=mix)
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = diluent = hamilton_1_trough_200mL_Vb(name="diluent")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=14)
    diluent.tracker.set_volume(150_000)
    plate.set_well_volumes([200] * 8 + [0] * 88)
    return {"lh": lh, "tips": tips, "diluent": diluent, "plate": plate}
