"""Lists of well names built in loops and comprehensions, then indexed in one go.

A plate map as strings (``f"{row}{col}"``): every other row of a column gets the
standard, the rest gets diluent, from two single-well reservoirs on a plate carrier.
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
    nest_1_troughplate_195000uL_Vb,
)


async def plate_map(lh: LiquidHandler, tips: TipRack, standard: Plate, diluent: Plate,
                    assay: Plate):
    rows = "ABCDEFGH"
    for col in range(1, 4):
        names = []
        for row in rows[::2]:
            names.append(f"{row}{col}")
        others = [f"{row}{col}" for row in rows if f"{row}{col}" not in names]
        await lh.pick_up_tips(tips[[f"{r}{col}" for r in rows[:4]]])
        await lh.aspirate(standard["A1"] * 4, vols=[25] * 4)
        await lh.dispense(assay[names], vols=[25] * 4)
        await lh.discard_tips()
        await lh.pick_up_tips(tips[[f"{r}{col}" for r in rows[4:]]], use_channels=[4, 5, 6, 7])
        await lh.aspirate(diluent["A1"] * 4, vols=[75] * 4, use_channels=[4, 5, 6, 7])
        await lh.dispense(assay[others], vols=[75] * 4, use_channels=[4, 5, 6, 7])
        await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = standard = nest_1_troughplate_195000uL_Vb(name="standard")
    plt_car[1] = diluent = nest_1_troughplate_195000uL_Vb(name="diluent")
    plt_car[2] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    standard.get_well("A1").tracker.set_volume(20_000)
    diluent.get_well("A1").tracker.set_volume(50_000)
    return {"lh": lh, "tips": tips, "standard": standard, "diluent": diluent, "assay": assay}
