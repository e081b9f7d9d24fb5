"""Pooling 1,100 µL into one well of a deep-well plate (2 mL wells), from tubes in a tube rack
(``Tube``, ``list[Tube]`` and ``TubeRack`` parameters). Without a setup the plate is guessed as
a 96-well plate of 360 µL wells: the 1,100 µL are a requirement on the wells ("needs wells
holding ≥ 1,100 µL"), not an overflow; the tubes resolve. With its setup PLR completes.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    Tube,
    TubeRack,
    cor_96_wellplate_2mL_Vb,
    eppendorf_tube_1500uL_Vb,
    hamilton_96_tiprack_1000uL_filter,
)
from pylabrobot.resources.opentrons.tube_racks import (
    opentrons_24_tuberack_generic_1point5ml_snapcap_short,
)


async def pool_samples(lh: LiquidHandler, tips: TipRack, rack: TubeRack, buffer: Tube,
                       samples: list[Tube], pool: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate([buffer], vols=[500])
    await lh.dispense(pool["A1"], vols=[500])
    for sample in samples[:3]:
        await lh.aspirate([sample], vols=[200])
        await lh.dispense(pool["A1"], vols=[200])
    await lh.discard_tips()
    print("pooled from", rack.name)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = pool = cor_96_wellplate_2mL_Vb(name="pool")
    plt_car[1] = rack = opentrons_24_tuberack_generic_1point5ml_snapcap_short(name="rack")
    lh.deck.assign_child_resource(plt_car, rails=8)
    tubes = []
    for i in range(4):
        rack[i] = tube = eppendorf_tube_1500uL_Vb(name=f"tube_{i + 1}")
        tube.tracker.set_volume(1000)
        tubes.append(tube)
    return {"lh": lh, "tips": tips, "rack": rack, "buffer": tubes[0], "samples": tubes[1:],
            "pool": pool}
