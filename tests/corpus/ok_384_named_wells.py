"""Controls placed by name on a 384-well plate (``I13``, ``P24``: beyond a 96-well plate's
H12). Without a setup the plate is guessed as a 384-well one from those names, so the check
invents no failure; with its setup it is the lab's 384-well plate (PLR completes).
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
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_50uL,
)

CONTROLS = ["A1", "I13", "P24"]


async def place_controls(lh: LiquidHandler, tips: TipRack, controls: Plate, assay: Plate,
                         volume: float = 5):
    for index, name in enumerate(CONTROLS):
        await lh.pick_up_tips(tips[index])
        await lh.aspirate(controls[f"A{index + 1}"], vols=[volume])
        await lh.dispense(assay[name], vols=[volume])
        await lh.discard_tips()
    await lh.pick_up_tips(tips["A4"])
    await lh.aspirate(controls["A4"], vols=[volume])
    await lh.dispense([assay.get_well("P1")], vols=[volume])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_50uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = controls = cor_96_wellplate_360uL_Fb(name="controls")
    plt_car[1] = assay = BioRad_384_wellplate_50uL_Vb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    controls.set_well_volumes([50] * 96)
    return {"lh": lh, "tips": tips, "controls": controls, "assay": assay}
