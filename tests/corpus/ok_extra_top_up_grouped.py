"""An assay with two optional pre-treatments (``wash``, ``dye``: 0 switches them off) and an
optional top-up (``extra``) that overflows the wells. The overflow is the same at the same line
on the four paths where ``extra`` holds: one failure mode, condition ``extra``, its four path
conditions listed, not four modes. Off by default: PLR completes.
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


async def pretreat_and_top_up(lh: LiquidHandler, tips: TipRack, reagents: Plate, assay: Plate,
                              wash: float = 0, dye: float = 0, extra: bool = False):
    await lh.pick_up_tips(tips["A1:H1"])
    if wash > 0:
        await lh.aspirate(reagents["A1:H1"], vols=[20] * 8)
        await lh.dispense(assay["A2:H2"], vols=[20] * 8)
    if dye > 0:
        await lh.aspirate(reagents["A2:H2"], vols=[10] * 8)
        await lh.dispense(assay["A2:H2"], vols=[10] * 8)
    await lh.aspirate(reagents["A3:H3"], vols=[200] * 8)
    await lh.dispense(assay["A1:H1"], vols=[200] * 8)
    if extra:
        await lh.aspirate(reagents["A4:H4"], vols=[200] * 8)
        await lh.dispense(assay["A1:H1"], vols=[200] * 8)
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reagents = cor_96_wellplate_360uL_Fb(name="reagents")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reagents.set_well_volumes([250] * 96)
    return {"lh": lh, "tips": tips, "reagents": reagents, "assay": assay}
